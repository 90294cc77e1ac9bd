import type { PasswordHasher } from '@ironflow/auth';
import { UserExistsError, type UserStore } from '@ironflow/store';
import type Router from '@koa/router';
import { z } from 'zod';
import { signUpDisabled, tooManyRequests, userExists } from '../errors.js';
import type { SessionIssuer } from '../http/auth-session.js';
import { readValidBody } from '../http/read-valid-body.js';
import type { SignInRateLimiter } from '../http/sign-in-rate-limiter.js';
import type { EventSink } from './event-sink.js';

/** Auth request bodies are a few hundred bytes; anything near this is not a sign-up. */
export const MAX_AUTH_BODY_BYTES = 16 * 1024;

export const signUpSchema = z.object({
  email: z.email({ message: 'must be an email address' }).max(254, 'must be at most 254 characters'),
  username: z
    .string({ message: 'must be a string' })
    .regex(/^[A-Za-z0-9_.-]{3,32}$/, 'must be 3 to 32 characters: letters, digits, _ . or -'),
  password: z
    .string({ message: 'must be a string' })
    .min(8, 'must be at least 8 characters')
    .max(256, 'must be at most 256 characters'),
});

export interface SignUpDeps {
  readonly users: UserStore;
  readonly sessions: SessionIssuer;
  readonly passwords: PasswordHasher;
  readonly append: EventSink;
  /** Sign-up attempts per client address; its own count, apart from sign-in's. */
  readonly limiter: SignInRateLimiter;
  /** False in production unless `ALLOW_SIGN_UP=true`. */
  readonly open: boolean;
}

/**
 * `POST /api/v1/auth/sign-up`: creates a user (the first is admin) and signs them in. Every
 * attempt counts against the client address's sign-up limit, before any other work.
 */
export function mountAuthSignUp(router: Router, deps: SignUpDeps): void {
  router.post('/api/v1/auth/sign-up', async (ctx) => {
    if (!deps.open) throw signUpDisabled();
    const verdict = deps.limiter.take(ctx.ip);
    if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds, 'sign-up');
    deps.passwords.assertAvailable();
    const body = await readValidBody(ctx, signUpSchema, MAX_AUTH_BODY_BYTES);
    const passwordHash = await deps.passwords.hash(body.password);
    let user: Awaited<ReturnType<UserStore['create']>>;
    try {
      user = await deps.users.create({ email: body.email, username: body.username, passwordHash });
    } catch (error) {
      if (error instanceof UserExistsError) throw userExists(error.field);
      throw error;
    }
    await deps.append([{ type: 'user_signed_up', user_id: user.id, username: user.username }]);
    ctx.status = 201;
    ctx.body = { data: await deps.sessions.start(ctx, user), meta: null };
  });
}
