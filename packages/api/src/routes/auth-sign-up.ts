import { hashPassword, type TokenService } from '@ironflow/auth';
import { UserExistsError, type UserStore } from '@ironflow/store';
import type Router from '@koa/router';
import { z } from 'zod';
import { signUpDisabled, userExists } from '../errors.js';
import type { AuthCookies } from '../http/auth-cookies.js';
import { startSession } from '../http/auth-session.js';
import { readValidBody } from '../http/read-valid-body.js';
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
  readonly tokens: TokenService;
  readonly cookies: AuthCookies;
  readonly append: EventSink;
  /** False in production unless `ALLOW_SIGN_UP=true`. */
  readonly open: boolean;
}

/** `POST /api/v1/auth/sign-up`: creates a user (the first is admin) and signs them in. */
export function mountAuthSignUp(router: Router, deps: SignUpDeps): void {
  router.post('/api/v1/auth/sign-up', async (ctx) => {
    if (!deps.open) throw signUpDisabled();
    const body = await readValidBody(ctx, signUpSchema, MAX_AUTH_BODY_BYTES);
    const passwordHash = await hashPassword(body.password);
    let user: Awaited<ReturnType<UserStore['create']>>;
    try {
      user = await deps.users.create({ email: body.email, username: body.username, passwordHash });
    } catch (error) {
      if (error instanceof UserExistsError) throw userExists(error.field);
      throw error;
    }
    await deps.append([{ type: 'user_signed_up', user_id: user.id, username: user.username }]);
    ctx.status = 201;
    ctx.body = { data: startSession(ctx, user, deps.tokens, deps.cookies), meta: null };
  });
}
