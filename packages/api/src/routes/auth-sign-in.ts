import type { PasswordHasher } from '@ironflow/auth';
import type { User, UserStore } from '@ironflow/store';
import type Router from '@koa/router';
import { z } from 'zod';
import { invalidCredentials, tooManyRequests } from '../errors.js';
import type { SessionIssuer } from '../http/auth-session.js';
import { readValidBody } from '../http/read-valid-body.js';
import type { SignInRateLimiter } from '../http/sign-in-rate-limiter.js';
import { MAX_AUTH_BODY_BYTES } from './auth-sign-up.js';
import type { EventSink } from './event-sink.js';

const identifier = z
  .string({ message: 'must be a string' })
  .min(1, 'must not be empty')
  .max(254, 'must be at most 254 characters');

export const signInSchema = z
  .object({
    email: identifier.optional(),
    username: identifier.optional(),
    password: z.string({ message: 'must be a string' }).max(256, 'must be at most 256 characters'),
  })
  .refine((body) => (body.email === undefined) !== (body.username === undefined), {
    message: 'give either email or username',
    path: ['email'],
  });

// The hash of a random password nobody knows, with hashPassword's current parameters, so that an
// unknown user costs the same scrypt as a known one and timing does not reveal who exists.
// Regenerate it if @ironflow/auth raises its parameters.
const DUMMY_HASH = '$scrypt$ln=15,r=8,p=1$ZDBIn8W2GCA1edBP9pFXBA$BU8HJCNZ08jy5Cym8CeaASXHzfuZv38Nud73e682Li8';

export interface SignInDeps {
  readonly users: UserStore;
  readonly sessions: SessionIssuer;
  readonly passwords: PasswordHasher;
  readonly append: EventSink;
  readonly limiter: SignInRateLimiter;
}

/**
 * `POST /api/v1/auth/sign-in` with `email` or `username` and `password`. Every attempt counts
 * against the client address's rate limit, before any other work, successful ones included.
 */
export function mountAuthSignIn(router: Router, deps: SignInDeps): void {
  router.post('/api/v1/auth/sign-in', async (ctx) => {
    const verdict = deps.limiter.take(ctx.ip);
    if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
    deps.passwords.assertAvailable();
    const body = await readValidBody(ctx, signInSchema, MAX_AUTH_BODY_BYTES);
    const user: User | null =
      body.email !== undefined
        ? await deps.users.findByEmail(body.email)
        : await deps.users.findByUsername(body.username as string);
    const matches = await deps.passwords.verify(body.password, user?.passwordHash ?? DUMMY_HASH);
    if (user === null || !matches) throw invalidCredentials();
    await deps.append([{ type: 'user_signed_in', user_id: user.id, username: user.username }]);
    ctx.body = { data: await deps.sessions.start(ctx, user), meta: null };
  });
}
