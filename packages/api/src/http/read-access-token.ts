import { ACCESS_TOKEN_COOKIE } from '@ironflow/auth';
import type { Context } from 'koa';

/**
 * The access token a request carries, chosen as the auth middleware chooses it: the
 * `ironflow_token` cookie when present, else `Authorization: Bearer <token>`; never the query.
 */
export function readAccessToken(ctx: Context): string | undefined {
  const cookie = ctx.cookies.get(ACCESS_TOKEN_COOKIE);
  if (cookie) return cookie;
  const header = ctx.get('Authorization');
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = header.slice(space + 1).trim();
  return token === '' ? undefined : token;
}
