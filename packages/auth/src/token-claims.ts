/** What a token is for: `access` authenticates requests, `refresh` only mints new tokens. */
export type TokenType = 'access' | 'refresh';

/** The user a token is minted for. */
export interface TokenSubject {
  /** The user's UUID; becomes both `sub` and `user_id`. */
  readonly userId: string;
  readonly username: string;
  readonly isAdmin: boolean;
}

/** The claims of an ironflow token, exactly as on the wire (docs/PROTOCOL.md section 6). */
export interface TokenClaims<T extends TokenType = TokenType> {
  /** The user's UUID (same as `user_id`). */
  readonly sub: string;
  readonly user_id: string;
  /** UUID v7, unique per token. */
  readonly jti: string;
  /** Issued at, seconds since the epoch. */
  readonly iat: number;
  /** Expires at, seconds since the epoch. */
  readonly exp: number;
  readonly typ: T;
  readonly username: string;
  readonly is_admin: boolean;
  /** Refresh tokens of a sign-in session: the session's UUID (see `RefreshSession`). */
  readonly sid?: string;
}

/** Claims of an access token, as put on `ctx.state.user` by the auth middleware. */
export type AccessClaims = TokenClaims<'access'>;

/** Claims of a refresh token. */
export type RefreshClaims = TokenClaims<'refresh'>;

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Checks a payload whose signature is already verified has every claim, of the right type, and
 * the expected `typ`. Throws a plain `Error` naming the problem (used as the `cause` of an
 * `InvalidTokenError`, for logs only).
 */
export function checkTokenClaims<T extends TokenType>(payload: unknown, expectedTyp: T): TokenClaims<T> {
  if (typeof payload !== 'object' || payload === null) throw new Error('payload is not an object');
  const claims = payload as Record<string, unknown>;
  if (claims.typ !== expectedTyp) throw new Error(`typ is ${String(claims.typ)}, expected ${expectedTyp}`);
  // jsonwebtoken checks `exp` only when present; a token without one would never expire.
  if (!Number.isSafeInteger(claims.exp)) throw new Error('exp is missing or not an integer');
  if (!Number.isSafeInteger(claims.iat)) throw new Error('iat is missing or not an integer');
  if (!isNonEmptyString(claims.sub)) throw new Error('sub is missing');
  if (claims.user_id !== claims.sub) throw new Error('user_id does not match sub');
  if (!isNonEmptyString(claims.jti)) throw new Error('jti is missing');
  if (!isNonEmptyString(claims.username)) throw new Error('username is missing');
  if (typeof claims.is_admin !== 'boolean') throw new Error('is_admin is missing or not a boolean');
  if (claims.sid !== undefined && !isNonEmptyString(claims.sid)) throw new Error('sid is not a string');
  return claims as unknown as TokenClaims<T>;
}
