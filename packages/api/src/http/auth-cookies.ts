import { ACCESS_TOKEN_COOKIE, REFRESH_TOKEN_COOKIE } from '@ironflow/auth';
import type { Context } from 'koa';

/** Options of {@link createAuthCookies}. */
export interface AuthCookiesOptions {
  /** Adds `Secure` (production). */
  readonly secure: boolean;
  /** Max-Age of `ironflow_token`, the access token's lifetime. */
  readonly accessMaxAgeSeconds: number;
  /** Max-Age of `ironflow_refresh`, the refresh token's lifetime. */
  readonly refreshMaxAgeSeconds: number;
}

/** Writes and clears the two session cookies with docs/PROTOCOL.md §6 attributes. */
export interface AuthCookies {
  set(ctx: Context, accessToken: string, refreshToken: string): void;
  clear(ctx: Context): void;
}

const EXPIRED = 'Thu, 01 Jan 1970 00:00:00 GMT';

/**
 * The session cookies: `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` in production.
 *
 * The headers are written by hand rather than with `ctx.cookies`, which refuses a `Secure` cookie
 * on a connection it does not see as TLS: with Koa's `proxy` off, that is every request behind a
 * TLS-terminating proxy.
 *
 * @example
 * const cookies = createAuthCookies({ secure: true, accessMaxAgeSeconds: 900, refreshMaxAgeSeconds: 604800 });
 * cookies.set(ctx, access, refresh);
 */
export function createAuthCookies(options: AuthCookiesOptions): AuthCookies {
  const attributes = `Path=/; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}`;
  const cookie = (name: string, value: string, maxAge: number) =>
    `${name}=${value}; Max-Age=${maxAge}; ${attributes}`;
  const expired = (name: string) => `${name}=; Max-Age=0; Expires=${EXPIRED}; ${attributes}`;
  return {
    set(ctx, accessToken, refreshToken) {
      ctx.append('Set-Cookie', [
        cookie(ACCESS_TOKEN_COOKIE, accessToken, options.accessMaxAgeSeconds),
        cookie(REFRESH_TOKEN_COOKIE, refreshToken, options.refreshMaxAgeSeconds),
      ]);
    },
    clear(ctx) {
      ctx.append('Set-Cookie', [expired(ACCESS_TOKEN_COOKIE), expired(REFRESH_TOKEN_COOKIE)]);
    },
  };
}
