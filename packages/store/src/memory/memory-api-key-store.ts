import { randomUUID } from 'node:crypto';
import type { ApiKey, ApiKeyStore, NewApiKey, RevocationListener } from '../api-key-store.js';
import { checkNewApiKey, isUuid } from '../check-api-key.js';
import { ApiKeyPrefixTakenError } from '../errors.js';

/** Options of {@link createMemoryApiKeyStore}. */
export interface MemoryApiKeyStoreOptions {
  /**
   * Clock for `createdAt` and `revokedAt`.
   * @default () => new Date()
   */
  now?: () => Date;
}

/**
 * Creates the in-memory API key store, the embedded default backend. Keys live as long as the
 * process; revocation watchers are told synchronously, before `revoke` resolves.
 *
 * @example
 * const keys = createMemoryApiKeyStore();
 * keys.watchRevocations(({ id }) => hub.endCredential(`api_key:${id}`));
 * const key = await keys.create({ userId, name: 'ci', prefix, keyHash, scopes: ['events:read'], expiresAt: null });
 * await keys.revoke(key.id, userId);
 */
export function createMemoryApiKeyStore(options: MemoryApiKeyStoreOptions = {}): ApiKeyStore {
  const { now = () => new Date() } = options;
  const byPrefix = new Map<string, ApiKey>();
  const byId = new Map<string, ApiKey>();
  const watchers = new Set<RevocationListener>();

  return {
    async create(input: NewApiKey) {
      checkNewApiKey(input);
      if (byPrefix.has(input.prefix)) throw new ApiKeyPrefixTakenError();
      const key: ApiKey = Object.freeze({
        id: randomUUID(),
        userId: input.userId.toLowerCase(),
        name: input.name,
        prefix: input.prefix,
        keyHash: input.keyHash,
        scopes: Object.freeze([...input.scopes]),
        createdAt: now().toISOString(),
        expiresAt: input.expiresAt === null ? null : new Date(input.expiresAt).toISOString(),
        revokedAt: null,
      });
      byPrefix.set(key.prefix, key);
      byId.set(key.id, key);
      return key;
    },
    findByPrefix: async (prefix) => (typeof prefix === 'string' ? (byPrefix.get(prefix) ?? null) : null),
    async listByUser(userId) {
      if (!isUuid(userId)) return [];
      const owner = userId.toLowerCase();
      // Insertion order is creation order.
      return [...byId.values()].filter((key) => key.userId === owner && key.revokedAt === null);
    },
    async revoke(id, userId) {
      const key = isUuid(id) ? byId.get(id.toLowerCase()) : undefined;
      if (key === undefined || key.revokedAt !== null) return null;
      if (userId !== null && key.userId !== userId.toLowerCase()) return null;
      const revoked: ApiKey = Object.freeze({ ...key, revokedAt: now().toISOString() });
      byId.set(revoked.id, revoked);
      byPrefix.set(revoked.prefix, revoked);
      for (const watcher of watchers) watcher({ id: revoked.id, prefix: revoked.prefix });
      return revoked;
    },
    watchRevocations(listener) {
      watchers.add(listener);
      return () => {
        watchers.delete(listener);
      };
    },
  };
}
