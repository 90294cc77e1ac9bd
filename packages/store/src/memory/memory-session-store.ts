import { isUuid } from '../check-api-key.js';
import type { NewSession, RotationOutcome, SessionRotation, SessionStore } from '../session-store.js';

/** Options of {@link createMemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /**
   * Clock for expiry.
   * @default () => new Date()
   */
  now?: () => Date;
}

interface MemorySession {
  readonly userId: string;
  tokenId: string;
  expiresAtMs: number;
  revoked: boolean;
}

/** Expired sessions are swept after this many starts, so memory follows the live sessions. */
const SWEEP_EVERY = 1000;

/**
 * Creates the in-memory session store, the embedded default backend. Sessions live as long as
 * the process (a restart signs everyone out of refresh, as the in-memory users are gone too).
 *
 * @example
 * const sessions = createMemorySessionStore();
 * await sessions.start({ id: sid, userId, tokenId: jti, expiresAt });
 * await sessions.rotate({ id: sid, tokenId: jti, nextTokenId: nextJti, expiresAt }); // 'rotated'
 */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const { now = () => new Date() } = options;
  const sessions = new Map<string, MemorySession>();
  let startsSinceSweep = 0;

  function sweep(nowMs: number): void {
    for (const [id, session] of sessions) if (session.expiresAtMs <= nowMs) sessions.delete(id);
  }

  function live(id: string, nowMs: number): MemorySession | null {
    const session = isUuid(id) ? sessions.get(id.toLowerCase()) : undefined;
    if (session === undefined || session.revoked || session.expiresAtMs <= nowMs) return null;
    return session;
  }

  return {
    async start(input: NewSession) {
      if (!isUuid(input?.id) || !isUuid(input.userId)) {
        throw new TypeError('SessionStore.start: id and userId must be UUIDs');
      }
      const nowMs = now().getTime();
      if (++startsSinceSweep >= SWEEP_EVERY) {
        startsSinceSweep = 0;
        sweep(nowMs);
      }
      sessions.set(input.id.toLowerCase(), {
        userId: input.userId.toLowerCase(),
        tokenId: input.tokenId,
        expiresAtMs: Date.parse(input.expiresAt),
        revoked: false,
      });
    },
    // Nothing awaits between the check and the change, so concurrent rotations of one token
    // cannot both succeed.
    async rotate(rotation: SessionRotation): Promise<RotationOutcome> {
      const session = live(rotation.id, now().getTime());
      if (session === null) return 'invalid';
      if (session.tokenId !== rotation.tokenId) {
        session.revoked = true;
        return 'reused';
      }
      session.tokenId = rotation.nextTokenId;
      session.expiresAtMs = Date.parse(rotation.expiresAt);
      return 'rotated';
    },
    async revoke(id) {
      const session = isUuid(id) ? sessions.get(id.toLowerCase()) : undefined;
      if (session !== undefined) session.revoked = true;
    },
    isLive: async (id) => live(id, now().getTime()) !== null,
  };
}
