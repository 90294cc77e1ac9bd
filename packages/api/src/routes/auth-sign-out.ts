import { REFRESH_TOKEN_COOKIE, readAccessToken, type TokenService, type TokenType } from '@ironflow/auth';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthCookies } from '../http/auth-cookies.js';
import type { EventSink } from './event-sink.js';

export interface SignOutDeps {
  readonly tokens: TokenService;
  readonly cookies: AuthCookies;
  readonly append: EventSink;
}

/**
 * `POST /api/v1/auth/sign-out`: clears both cookies and answers `200` whether or not the request
 * carried a token (signing out twice is not an error). When it names a user, by a valid access
 * token (cookie or Bearer) or else a valid refresh cookie, `user_signed_out` is appended.
 * Tokens are stateless: one copied elsewhere stays valid until it expires.
 */
export function mountAuthSignOut(router: Router, deps: SignOutDeps): void {
  router.post('/api/v1/auth/sign-out', async (ctx) => {
    const userId =
      verifiedUserId(deps.tokens, readAccessToken(ctx), 'access') ??
      verifiedUserId(deps.tokens, ctx.cookies.get(REFRESH_TOKEN_COOKIE), 'refresh');
    if (userId !== null) await deps.append([{ type: 'user_signed_out', user_id: userId }]);
    deps.cookies.clear(ctx as Context);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: { signed_out: true }, meta: null };
  });
}

function verifiedUserId(tokens: TokenService, token: string | undefined, typ: TokenType): string | null {
  if (!token) return null;
  try {
    return tokens.verify(token, typ).user_id;
  } catch {
    // A bad or expired token only means there is nobody to name in the event.
    return null;
  }
}
