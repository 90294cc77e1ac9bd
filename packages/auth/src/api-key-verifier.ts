import { apiKeyLookupPrefix, apiKeyMatches } from './api-key.js';
import { InvalidTokenError } from './errors.js';

/** What an API key may do (docs/PROTOCOL.md §6). */
export type ApiKeyScope = 'events:read' | 'events:write';

/** The stored form of a key the verifier needs; `@ironflow/store`'s `ApiKey` fits it. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly userId: string;
  readonly keyHash: string;
  readonly scopes: readonly string[];
  /** RFC 3339, or null: never expires. */
  readonly expiresAt: string | null;
  /** RFC 3339 once revoked, else null. */
  readonly revokedAt: string | null;
}

/** The owner as the verifier reads it, live, on every use of a key. */
export interface ApiKeyOwner {
  readonly username: string;
  readonly isAdmin: boolean;
}

/** Who a verified key acts for. */
export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly userId: string;
  readonly username: string;
  /** Read from the user store on this use, not when the key was made. */
  readonly isAdmin: boolean;
  readonly scopes: readonly ApiKeyScope[];
  /** When the key expires, epoch milliseconds; `Infinity` for a key without `expires_at`. */
  readonly expiresAtMs: number;
}

/** Options of {@link createApiKeyVerifier}. */
export interface ApiKeyVerifierOptions {
  /** Finds a key by its lookup prefix (e.g. `ApiKeyStore.findByPrefix`). */
  readonly findByPrefix: (prefix: string) => Promise<ApiKeyRecord | null>;
  /** Finds the owner (e.g. `UserStore.findById`); null when the user is gone. */
  readonly findUser: (userId: string) => Promise<ApiKeyOwner | null>;
  /**
   * How long a looked-up key (or the absence of one) is reused before the store is asked again.
   * Revocations told through `revoked()` take effect at once whatever this is.
   * @default 30000
   */
  readonly cacheTtlMs?: number;
  /** @default 10000 */
  readonly maxCached?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Verifies API keys, caching the store's answer by prefix. */
export interface ApiKeyVerifier {
  /**
   * The principal of `key` if it is well formed, stored, matches its hash, is neither revoked
   * nor expired, has `scope` and its owner exists.
   * @throws InvalidTokenError on any failure (the reason is its `cause`).
   */
  verify(key: string, scope: ApiKeyScope): Promise<ApiKeyPrincipal>;
  /** A key was revoked (on any instance): never accepted again by this verifier. */
  revoked(key: { readonly id: string; readonly prefix: string }): void;
}

interface CacheEntry {
  readonly record: Promise<ApiKeyRecord | null>;
  readonly until: number;
}

/** Revoked key ids are remembered this long, past any lookup that was in flight when told. */
const REVOKED_MEMORY_MS = 120_000;

/**
 * Creates the API key verifier. Each use costs one SHA-256 and, within `cacheTtlMs` of the last
 * lookup of the same prefix, no store query for the key (concurrent lookups share one query);
 * the owner is read from `findUser` on every use, so a change of admin flag applies at once.
 *
 * @example
 * const verifier = createApiKeyVerifier({
 *   findByPrefix: (prefix) => apiKeys.findByPrefix(prefix),
 *   findUser: (id) => users.findById(id),
 * });
 * apiKeys.watchRevocations((key) => verifier.revoked(key));
 */
export function createApiKeyVerifier(options: ApiKeyVerifierOptions): ApiKeyVerifier {
  const { findByPrefix, findUser, cacheTtlMs = 30_000, maxCached = 10_000, now = Date.now } = options;
  if (typeof findByPrefix !== 'function' || typeof findUser !== 'function') {
    throw new TypeError(
      'createApiKeyVerifier: pass findByPrefix and findUser functions (e.g. from the stores)',
    );
  }
  if (!Number.isSafeInteger(cacheTtlMs) || cacheTtlMs < 0) {
    throw new TypeError(
      `createApiKeyVerifier: cacheTtlMs must be a whole number of ms, got ${String(cacheTtlMs)}`,
    );
  }
  if (!Number.isSafeInteger(maxCached) || maxCached < 1) {
    throw new TypeError(
      `createApiKeyVerifier: maxCached must be a positive integer, got ${String(maxCached)}`,
    );
  }
  const cache = new Map<string, CacheEntry>();
  const revokedIds = new Map<string, number>();

  function lookup(prefix: string): Promise<ApiKeyRecord | null> {
    const at = now();
    const hit = cache.get(prefix);
    if (hit !== undefined && hit.until > at) return hit.record;
    cache.delete(prefix);
    const record = findByPrefix(prefix);
    cache.set(prefix, { record, until: at + cacheTtlMs });
    // A failed lookup is not remembered: the next use asks again.
    record.catch(() => {
      if (cache.get(prefix)?.record === record) cache.delete(prefix);
    });
    // Map order is insertion order: the first entry is the oldest.
    if (cache.size > maxCached) cache.delete(cache.keys().next().value as string);
    return record;
  }

  const fail = (reason: string): never => {
    throw new InvalidTokenError({ cause: new Error(`API key ${reason}`) });
  };

  return {
    async verify(key, scope) {
      const prefix = apiKeyLookupPrefix(key);
      if (prefix === null) return fail('is malformed');
      const record = await lookup(prefix);
      if (record === null || !apiKeyMatches(key, record.keyHash)) return fail('is unknown');
      if (record.revokedAt !== null || revokedIds.has(record.id)) return fail('is revoked');
      const expiresAtMs = record.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(record.expiresAt);
      if (now() >= expiresAtMs) return fail('has expired');
      if (!record.scopes.includes(scope)) return fail(`lacks the ${scope} scope`);
      const owner = await findUser(record.userId);
      if (owner === null) return fail('belongs to a user who no longer exists');
      return {
        keyId: record.id,
        userId: record.userId,
        username: owner.username,
        isAdmin: owner.isAdmin,
        scopes: record.scopes as readonly ApiKeyScope[],
        expiresAtMs,
      };
    },
    revoked({ id, prefix }) {
      cache.delete(prefix);
      const at = now();
      revokedIds.set(id, at);
      for (const [oldId, when] of revokedIds) {
        if (when > at - REVOKED_MEMORY_MS) break;
        revokedIds.delete(oldId);
      }
    },
  };
}
