import { randomUUID } from 'node:crypto';
import { InvalidTokenError, type RefreshClaims, type TokenService } from '@ironflow/auth';
import type { SessionStore, User } from '@ironflow/store';
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

/** Mints the tokens of sign-in sessions and keeps their one valid refresh token in the store. */
export interface SessionIssuer {
  /** A new session (sign-up, sign-in): sets both cookies and returns the response data. */
  start(ctx: Context, user: User): Promise<SessionData>;
  /**
   * Rotates the session of `claims` (a verified refresh token): the token must be the session's
   * current one. A rotated token presented again revokes the session; either failure throws
   * `InvalidTokenError` after clearing the cookies.
   */
  rotate(ctx: Context, user: User, claims: RefreshClaims): Promise<SessionData>;
  /** Revokes the session of a verified refresh token (sign-out). */
  end(claims: RefreshClaims): Promise<void>;
}

export interface SessionIssuerDeps {
  readonly tokens: TokenService;
  readonly cookies: AuthCookies;
  readonly sessions: SessionStore;
}

/**
 * The session issuer. Each refresh token carries its session (`sid`) and a fresh `jti` that the
 * session store records as current, so each is good for one refresh. Responses carrying tokens
 * are never cached.
 */
export function createSessionIssuer(deps: SessionIssuerDeps): SessionIssuer {
  const { tokens, cookies, sessions } = deps;
  const refreshExpiry = () => new Date(Date.now() + tokens.refreshTtlSeconds * 1000).toISOString();

  function issue(ctx: Context, user: User, sessionId: string, tokenId: string): SessionData {
    const subject = { userId: user.id, username: user.username, isAdmin: user.isAdmin };
    const accessToken = tokens.mintAccess(subject);
    cookies.set(ctx, accessToken, tokens.mintRefresh(subject, { sessionId, tokenId }));
    ctx.set('Cache-Control', 'no-store');
    return { user: userView(user), access_token: accessToken, expires_in: tokens.accessTtlSeconds };
  }

  return {
    async start(ctx, user) {
      const sessionId = randomUUID();
      const tokenId = randomUUID();
      await sessions.start({ id: sessionId, userId: user.id, tokenId, expiresAt: refreshExpiry() });
      return issue(ctx, user, sessionId, tokenId);
    },
    async rotate(ctx, user, claims) {
      const refuse = (reason: string): never => {
        cookies.clear(ctx);
        throw new InvalidTokenError({ cause: new Error(reason) });
      };
      // Refresh tokens minted outside a session (`ironflow token --refresh`) cannot be made
      // single-use or revoked, so they do not refresh.
      if (claims.sid === undefined) return refuse('the refresh token belongs to no session');
      if (claims.user_id !== user.id) return refuse('the session belongs to another user');
      const tokenId = randomUUID();
      const outcome = await sessions.rotate({
        id: claims.sid,
        tokenId: claims.jti,
        nextTokenId: tokenId,
        expiresAt: refreshExpiry(),
      });
      if (outcome === 'reused') return refuse('a rotated refresh token was replayed: the session is revoked');
      if (outcome === 'invalid') return refuse('the session is revoked, expired or unknown');
      return issue(ctx, user, claims.sid, tokenId);
    },
    async end(claims) {
      if (claims.sid !== undefined) await sessions.revoke(claims.sid);
    },
  };
}
