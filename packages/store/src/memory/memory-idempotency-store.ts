import type {
  IdempotencyClaim,
  IdempotencyLease,
  IdempotencyRequest,
  IdempotencyStore,
  IdempotentAnswer,
} from '../idempotency-store.js';

/** Options of {@link createMemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /**
   * The most keys remembered; past it the oldest are forgotten first, so no sequence of
   * requests can grow the heap without bound (about 1 KiB per key with its answer).
   * @default 100_000
   */
  maxKeys?: number;
  /**
   * How long a key is remembered, in milliseconds.
   * @default 86_400_000 (24 hours)
   */
  rememberMs?: number;
  /**
   * Clock, in epoch milliseconds.
   * @default Date.now
   */
  now?: () => number;
}

interface Entry {
  readonly fingerprint: string;
  /** Which claim holds the key: a lease of an earlier claim can neither complete nor release it. */
  readonly claim: number;
  readonly createdAtMs: number;
  answer: IdempotentAnswer | null;
}

/**
 * Creates the in-memory idempotency store, the embedded default. A claim lasts until it is
 * completed or released: the store dies with its instance, so there is never a dead holder to
 * wait out (the PostgreSQL store's leases expire instead).
 *
 * @example
 * const keys = createMemoryIdempotencyStore({ maxKeys: 10_000 });
 * const claim = await keys.claim({ scope: 'worker', key: 'batch-42', fingerprint });
 * if (claim.outcome === 'claimed') await claim.lease.complete({ status: 202, body });
 */
export function createMemoryIdempotencyStore(options: MemoryIdempotencyStoreOptions = {}): IdempotencyStore {
  const { maxKeys = 100_000, rememberMs = 86_400_000, now = Date.now } = options;
  checkOptions(maxKeys, rememberMs, now);
  // Insertion order is creation order (a key taken again is deleted and re-inserted), so the
  // oldest entries are always at the front: expiry and eviction stop at the first young one.
  const entries = new Map<string, Entry>();
  let claims = 0;

  function forgetExpired(): number {
    const cutoff = now() - rememberMs;
    let removed = 0;
    for (const [id, entry] of entries) {
      if (entry.createdAtMs > cutoff) break;
      entries.delete(id);
      removed += 1;
    }
    return removed;
  }

  function lease(id: string, request: IdempotencyRequest, claim: number): IdempotencyLease {
    const held = () => {
      const entry = entries.get(id);
      return entry !== undefined && entry.claim === claim && entry.answer === null ? entry : undefined;
    };
    return {
      scope: request.scope,
      key: request.key,
      async complete(answer) {
        const entry = held();
        if (entry === undefined) return false;
        entry.answer = { status: answer.status, body: answer.body };
        return true;
      },
      async release() {
        if (held() !== undefined) entries.delete(id);
      },
    };
  }

  return {
    async claim(request): Promise<IdempotencyClaim> {
      forgetExpired();
      // A key is visible ASCII, so the first newline ends it: no two (key, scope) pairs collide.
      const id = `${request.key}\n${request.scope}`;
      const entry = entries.get(id);
      if (entry !== undefined) {
        if (entry.fingerprint !== request.fingerprint) return { outcome: 'mismatch' };
        return entry.answer === null ? { outcome: 'in-flight' } : { outcome: 'replay', answer: entry.answer };
      }
      claims += 1;
      entries.set(id, { fingerprint: request.fingerprint, claim: claims, createdAtMs: now(), answer: null });
      for (const oldest of entries.keys()) {
        if (entries.size <= maxKeys) break;
        entries.delete(oldest);
      }
      return { outcome: 'claimed', lease: lease(id, request, claims) };
    },
    async prune() {
      return forgetExpired();
    },
    async close() {
      entries.clear();
    },
  };
}

function checkOptions(maxKeys: unknown, rememberMs: unknown, now: unknown): void {
  if (typeof maxKeys !== 'number' || !Number.isSafeInteger(maxKeys) || maxKeys < 1) {
    throw new RangeError(
      `createMemoryIdempotencyStore: maxKeys must be a positive integer, got ${String(maxKeys)}; omit it for 100000`,
    );
  }
  if (typeof rememberMs !== 'number' || !Number.isSafeInteger(rememberMs) || rememberMs < 1) {
    throw new RangeError(
      `createMemoryIdempotencyStore: rememberMs must be a positive integer of milliseconds, got ${String(rememberMs)}; omit it for 24 hours`,
    );
  }
  if (typeof now !== 'function') {
    throw new TypeError('createMemoryIdempotencyStore: now must be a function returning epoch milliseconds');
  }
}
