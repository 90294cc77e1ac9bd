import type { Context } from 'koa';
import { ACCESS_TOKEN_COOKIE } from './cookie-names.js';
import { readBearerToken } from './read-bearer-token.js';

/**
 * The access token a request carries, as docs/PROTOCOL.md §6 chooses it: the `ironflow_token` cookie when
 * present (and non-empty), else `Authorization: Bearer <token>`; never the query string.
 * `createAuthMiddleware` authenticates with exactly this token.
 */
export function readAccessToken(ctx: Pick<Context, 'cookies' | 'get'>): string | undefined {
  return ctx.cookies.get(ACCESS_TOKEN_COOKIE) || readBearerToken(ctx.get('Authorization'));
}
