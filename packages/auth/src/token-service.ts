import jwt from 'jsonwebtoken';
import { v7 as uuidv7 } from 'uuid';
import { assertSecret } from './assert-secret.js';
import { InvalidTokenError } from './errors.js';
import { hmacKey } from './hmac-key.js';
import { checkTokenClaims, type TokenClaims, type TokenSubject, type TokenType } from './token-claims.js';

/** Options of {@link createTokenService}. */
export interface TokenServiceOptions {
  /** HMAC key (`JWT_SECRET`); must be non-empty. */
  readonly secret: string;
  /**
   * Lifetime of access tokens in seconds.
   * @default 900
   */
  readonly accessTtlSeconds?: number;
  /**
   * Lifetime of refresh tokens in seconds.
   * @default 604800 (7 days)
   */
  readonly refreshTtlSeconds?: number;
  /**
   * The clock, for `iat`/`exp` when minting and for expiry when verifying.
   * @default () => new Date()
   */
  readonly now?: () => Date;
}

/** The sign-in session a refresh token belongs to. */
export interface RefreshSession {
  /** The session's UUID, the token's `sid`. */
  readonly sessionId: string;
  /** The token's `jti` (a UUID v7), recorded by the session store as its current token. */
  readonly tokenId: string;
}

/** Mints and verifies ironflow's HS256 access and refresh tokens. */
export interface TokenService {
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  /** A signed access token (`typ: access`) for `subject`, valid for `accessTtlSeconds`. */
  mintAccess(subject: TokenSubject): string;
  /**
   * A signed refresh token (`typ: refresh`) for `subject`, valid for `refreshTtlSeconds`. With
   * `session`, it carries the session id as `sid` and `session.tokenId` as its `jti`, so the
   * server can make it single-use.
   */
  mintRefresh(subject: TokenSubject, session?: RefreshSession): string;
  /**
   * The claims of `token` if it is an HS256 token signed with the secret, unexpired, with an
   * `exp`, every claim present, and `typ` equal to `expectedTyp`.
   * @throws InvalidTokenError on any failure (the reason is its `cause`).
   */
  verify<T extends TokenType>(token: string, expectedTyp: T): TokenClaims<T>;
}

// Pinned so a token's header can never choose the algorithm (`none`, RS256 with the secret as key…).
const ALGORITHM = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertTtl(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(
      `createTokenService: ${name} must be a positive integer number of seconds, got ${String(value)}`,
    );
  }
}

function assertSubject(subject: TokenSubject): void {
  if (typeof subject?.userId !== 'string' || !UUID.test(subject.userId)) {
    throw new TypeError(`mint: subject.userId must be the user's UUID, got ${String(subject?.userId)}`);
  }
  if (typeof subject.username !== 'string' || subject.username === '') {
    throw new TypeError('mint: subject.username must be a non-empty string');
  }
  if (typeof subject.isAdmin !== 'boolean') {
    throw new TypeError('mint: subject.isAdmin must be a boolean');
  }
}

/**
 * Creates the token service that mints and verifies access and refresh tokens (docs/PROTOCOL.md section 6).
 * Options are checked here, so a bad secret or TTL fails at start-up rather than per request.
 *
 * @example
 * ```ts
 * const tokens = createTokenService({ secret: process.env.JWT_SECRET! });
 * const access = tokens.mintAccess({ userId: user.id, username: user.username, isAdmin: user.isAdmin });
 * const claims = tokens.verify(access, 'access'); // { sub, user_id, jti, iat, exp, typ, username, is_admin }
 * ```
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { secret, accessTtlSeconds = 900, refreshTtlSeconds = 604_800, now = () => new Date() } = options;
  assertSecret(
    secret,
    'createTokenService: secret',
    'pass JWT_SECRET (at least 32 random bytes in production)',
  );
  assertTtl(accessTtlSeconds, 'accessTtlSeconds');
  assertTtl(refreshTtlSeconds, 'refreshTtlSeconds');

  const key = hmacKey(secret);
  const nowSeconds = () => Math.floor(now().getTime() / 1000);

  function mint<T extends TokenType>(
    subject: TokenSubject,
    typ: T,
    ttlSeconds: number,
    session?: RefreshSession,
  ): string {
    assertSubject(subject);
    if (session !== undefined && (!UUID.test(session.sessionId) || !UUID.test(session.tokenId))) {
      throw new TypeError('mintRefresh: session.sessionId and session.tokenId must be UUIDs');
    }
    const userId = subject.userId.toLowerCase();
    const iat = nowSeconds();
    const claims: TokenClaims<T> = {
      sub: userId,
      user_id: userId,
      jti: session?.tokenId ?? uuidv7(),
      iat,
      exp: iat + ttlSeconds,
      typ,
      username: subject.username,
      is_admin: subject.isAdmin,
      ...(session === undefined ? {} : { sid: session.sessionId }),
    };
    // jsonwebtoken keeps our `iat` and `exp` as given; no `expiresIn`, so there is one source of time.
    return jwt.sign(claims, key, { algorithm: ALGORITHM });
  }

  return {
    accessTtlSeconds,
    refreshTtlSeconds,
    mintAccess: (subject) => mint(subject, 'access', accessTtlSeconds),
    mintRefresh: (subject, session) => mint(subject, 'refresh', refreshTtlSeconds, session),
    verify(token, expectedTyp) {
      try {
        const payload = jwt.verify(token, key, { algorithms: [ALGORITHM], clockTimestamp: nowSeconds() });
        return checkTokenClaims(payload, expectedTyp);
      } catch (cause) {
        throw new InvalidTokenError({ cause });
      }
    },
  };
}
