import {
  REFRESH_TOKEN_COOKIE,
  type RefreshClaims,
  readAccessToken,
  type TokenService,
  type TokenType,
} from '@ironflow/auth';
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { AuthCookies } from '../http/auth-cookies.js';
import type { SessionIssuer } from '../http/auth-session.js';
import type { EventSink } from './event-sink.js';

export interface SignOutDeps {
  readonly tokens: TokenService;
  readonly cookies: AuthCookies;
  readonly sessions: SessionIssuer;
  readonly append: EventSink;
  /** Refuses cross-site requests before the cookies are used. */
  readonly sameSite: Middleware;
}

/**
 * `POST /api/v1/auth/sign-out`: revokes the session of the refresh cookie (its refresh tokens
 * stop working on every instance), clears both cookies and answers `200` whether or not the
 * request carried a token (signing out twice is not an error). When it names a user, by a valid
 * access token (cookie or Bearer) or else a valid refresh cookie, `user_signed_out` is appended.
 * Access tokens are self-contained: one copied elsewhere stays valid until it expires (≤ 15 min).
 */
export function mountAuthSignOut(router: Router, deps: SignOutDeps): void {
  router.post('/api/v1/auth/sign-out', deps.sameSite, async (ctx) => {
    const refresh = verified(
      deps.tokens,
      ctx.cookies.get(REFRESH_TOKEN_COOKIE),
      'refresh',
    ) as RefreshClaims | null;
    if (refresh !== null) await deps.sessions.end(refresh);
    const userId = verified(deps.tokens, readAccessToken(ctx), 'access')?.user_id ?? refresh?.user_id ?? null;
    if (userId !== null) await deps.append([{ type: 'user_signed_out', user_id: userId }]);
    deps.cookies.clear(ctx as Context);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: { signed_out: true }, meta: null };
  });
}

function verified(tokens: TokenService, token: string | undefined, typ: TokenType) {
  if (!token) return null;
  try {
    return tokens.verify(token, typ);
  } catch {
    // A bad or expired token only means there is nobody to name and no session to end.
    return null;
  }
}
