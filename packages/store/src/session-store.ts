/** What `SessionStore.start` needs: one sign-in and its first refresh token. */
export interface NewSession {
  /** The session id (a UUID), carried by each of its refresh tokens as `sid`. */
  readonly id: string;
  readonly userId: string;
  /** The `jti` of the refresh token issued with it. */
  readonly tokenId: string;
  /** When the session's refresh token expires (RFC 3339); the session may be forgotten after. */
  readonly expiresAt: string;
}

/** What `SessionStore.rotate` is asked: replace the session's token `tokenId` by `nextTokenId`. */
export interface SessionRotation {
  readonly id: string;
  readonly tokenId: string;
  readonly nextTokenId: string;
  /** The new refresh token's expiry (RFC 3339). */
  readonly expiresAt: string;
}

/**
 * What a rotation did: `rotated` (the presented token was the current one), `reused` (it was an
 * older one: the session is now revoked) or `invalid` (no such live session: unknown, revoked or
 * expired).
 */
export type RotationOutcome = 'rotated' | 'reused' | 'invalid';

/**
 * Sign-in sessions: one per sign-in, holding the `jti` of its only valid refresh token, so that
 * refresh tokens are single-use and a replayed one is detected. Every backend passes the contract
 * suite `describeSessionStore`.
 */
export interface SessionStore {
  start(session: NewSession): Promise<void>;
  /**
   * Atomically: when the session is live and `tokenId` is its current token, makes `nextTokenId`
   * current (`rotated`); when it is live but `tokenId` is not current, revokes it (`reused`).
   */
  rotate(rotation: SessionRotation): Promise<RotationOutcome>;
  /** Revokes the session (sign-out); nothing happens when it is unknown or already revoked. */
  revoke(id: string): Promise<void>;
  /** Whether the session exists, is not revoked and has not expired. */
  isLive(id: string): Promise<boolean>;
}
