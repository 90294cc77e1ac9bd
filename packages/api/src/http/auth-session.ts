import type { TokenService } from '@ironflow/auth';
import type { User } from '@ironflow/store';
import type { Context } from 'koa';
import type { AuthCookies } from './auth-cookies.js';

/** A user as the auth routes show it: no password hash, `snake_case` like every wire field. */
export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly username: string;
  readonly is_admin: boolean;
  readonly created_at: string;
}

/** The `data` of sign-up, sign-in and refresh responses. */
export interface SessionData {
  readonly user: UserView;
  /** The access token, for clients that send `Authorization: Bearer` instead of cookies. */
  readonly access_token: string;
  /** Seconds until `access_token` expires. */
  readonly expires_in: number;
}

export const userView = (user: User): UserView => ({
  id: user.id,
  email: user.email,
  username: user.username,
  is_admin: user.isAdmin,
  created_at: user.createdAt,
});

/**
 * Mints a fresh access and refresh token for `user`, sets both cookies and returns the response
 * data. Responses carrying tokens are never cached.
 */
export function startSession(
  ctx: Context,
  user: User,
  tokens: TokenService,
  cookies: AuthCookies,
): SessionData {
  const subject = { userId: user.id, username: user.username, isAdmin: user.isAdmin };
  const accessToken = tokens.mintAccess(subject);
  cookies.set(ctx, accessToken, tokens.mintRefresh(subject));
  ctx.set('Cache-Control', 'no-store');
  return { user: userView(user), access_token: accessToken, expires_in: tokens.accessTtlSeconds };
}
