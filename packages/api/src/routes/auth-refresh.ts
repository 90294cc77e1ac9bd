import {
  InvalidTokenError,
  MissingTokenError,
  REFRESH_TOKEN_COOKIE,
  type TokenService,
} from '@ironflow/auth';
import type { UserStore } from '@ironflow/store';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { SessionIssuer } from '../http/auth-session.js';

export interface RefreshDeps {
  readonly users: UserStore;
  readonly tokens: TokenService;
  readonly sessions: SessionIssuer;
  /** Refuses cross-site requests before the cookie is used. */
  readonly sameSite: Middleware;
}

/**
 * `POST /api/v1/auth/refresh`: trades the `ironflow_refresh` cookie (only the cookie) for a new
 * access token and a rotated refresh token; the presented one is spent. The user is read again,
 * so a deleted user cannot refresh and a changed name or admin flag reaches the new tokens.
 */
export function mountAuthRefresh(router: Router, deps: RefreshDeps): void {
  router.post('/api/v1/auth/refresh', deps.sameSite, async (ctx) => {
    const token = ctx.cookies.get(REFRESH_TOKEN_COOKIE);
    if (!token) throw new MissingTokenError();
    const claims = deps.tokens.verify(token, 'refresh');
    const user = await deps.users.findById(claims.user_id);
    if (user === null) throw new InvalidTokenError({ cause: new Error('the user no longer exists') });
    ctx.body = { data: await deps.sessions.rotate(ctx, user, claims), meta: null };
  });
}
