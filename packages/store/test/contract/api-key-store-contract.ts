import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  ApiKeyPrefixTakenError,
  type ApiKeyStore,
  type NewApiKey,
  type RevokedApiKey,
} from '@ironflow/store';
import { waitFor } from '@ironflow/test-support';
import { describe, expect, it } from 'vitest';

/** Builds a fresh, empty API key store of the backend under test, and the user it may own keys for. */
export type MakeApiKeyStore = () => Promise<{ store: ApiKeyStore; userIds: readonly [string, string] }>;

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function newKey(userId: string, overrides: Partial<NewApiKey> = {}): NewApiKey {
  return {
    userId,
    name: 'ci',
    prefix: randomBytes(6).toString('base64url').slice(0, 8),
    keyHash: createHash('sha256').update(randomUUID()).digest('hex'),
    scopes: ['events:read'],
    expiresAt: null,
    ...overrides,
  };
}

/** The behaviour every `ApiKeyStore` backend must show. */
export function describeApiKeyStore(name: string, makeStore: MakeApiKeyStore): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    it('creates a key with an id and creation time, and finds it by prefix', async () => {
      const { store, userIds } = await makeStore();
      const input = newKey(userIds[0], {
        scopes: ['events:read', 'events:write'],
        expiresAt: '2099-01-02T03:04:05.000Z',
      });
      const key = await store.create(input);
      expect(key).toMatchObject({ ...input, revokedAt: null });
      expect(key.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(key.createdAt).toMatch(RFC3339_UTC);
      expect(await store.findByPrefix(input.prefix)).toEqual(key);
      expect(await store.findByPrefix('nothere0')).toBeNull();
    });

    it('refuses a second key with the same prefix', async () => {
      const { store, userIds } = await makeStore();
      const first = newKey(userIds[0]);
      await store.create(first);
      await expect(store.create(newKey(userIds[1], { prefix: first.prefix }))).rejects.toBeInstanceOf(
        ApiKeyPrefixTakenError,
      );
    });

    it('lists a user’s keys oldest first, without revoked ones or other users’ keys', async () => {
      const { store, userIds } = await makeStore();
      const a = await store.create(newKey(userIds[0], { name: 'a' }));
      const b = await store.create(newKey(userIds[0], { name: 'b' }));
      const c = await store.create(newKey(userIds[0], { name: 'c' }));
      await store.create(newKey(userIds[1], { name: 'other' }));
      await store.revoke(b.id, userIds[0]);
      expect((await store.listByUser(userIds[0])).map((key) => key.id)).toEqual([a.id, c.id]);
      expect(await store.listByUser('not-a-uuid')).toEqual([]);
    });

    it('revokes only the owner’s key (or any with a null owner), once', async () => {
      const { store, userIds } = await makeStore();
      const key = await store.create(newKey(userIds[0]));
      expect(await store.revoke(key.id, userIds[1])).toBeNull();
      const revoked = await store.revoke(key.id, userIds[0]);
      expect(revoked?.revokedAt).toMatch(RFC3339_UTC);
      expect(await store.revoke(key.id, userIds[0])).toBeNull();
      expect((await store.findByPrefix(key.prefix))?.revokedAt).toBe(revoked?.revokedAt);
      const other = await store.create(newKey(userIds[1]));
      expect((await store.revoke(other.id, null))?.id).toBe(other.id);
      expect(await store.revoke(randomUUID(), null)).toBeNull();
      expect(await store.revoke('junk', null)).toBeNull();
    });

    it('tells revocation watchers of each revoked key once, until they stop watching', async () => {
      const { store, userIds } = await makeStore();
      const told: RevokedApiKey[] = [];
      const stop = store.watchRevocations((key) => told.push(key));
      const key = await store.create(newKey(userIds[0]));
      await store.revoke(key.id, userIds[0]);
      await waitFor(() => told.length === 1, 'the revocation to be told');
      expect(told).toEqual([{ id: key.id, prefix: key.prefix }]);
      stop();
      const later = await store.create(newKey(userIds[0]));
      await store.revoke(later.id, null);
      expect(told).toHaveLength(1);
    });
  });
}
