import {
  API_KEY_PREFIX,
  apiKeyLookupPrefix,
  createApiKeyVerifier,
  generateApiKey,
  hashApiKey,
  InvalidTokenError,
  isApiKey,
} from '@ironflow/auth';
import { describe, expect, it } from 'vitest';
import { alice } from './fixtures.js';

const KEY_ID = '0192f2a4-7c1e-7a3b-9c2d-000000000001';

describe('generateApiKey', () => {
  it('draws irfl_ + 8 lookup characters + 40 random ones, and gives only their hash to store', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    for (const { key, prefix, hash } of keys) {
      expect(key).toMatch(/^irfl_[A-Za-z0-9]{48}$/);
      expect(key.startsWith(`${API_KEY_PREFIX}${prefix}`)).toBe(true);
      expect(apiKeyLookupPrefix(key)).toBe(prefix);
      expect(hash).toBe(hashApiKey(key));
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(isApiKey(key)).toBe(true);
    }
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    // Every symbol of the alphabet shows up: the draw is not stuck on a subset.
    expect(new Set(keys.flatMap((k) => [...k.key.slice(5)])).size).toBe(62);
  });

  it('reads no lookup prefix from malformed keys', () => {
    for (const text of [
      'irfl_short',
      `irfl_${'a'.repeat(47)}-`,
      `irfl_${'a'.repeat(49)}`,
      'eyJhbGciOi.x.y',
    ]) {
      expect(apiKeyLookupPrefix(text)).toBeNull();
    }
  });
});

describe('createApiKeyVerifier', () => {
  function setup(overrides: { expiresAt?: string | null; scopes?: string[]; isAdmin?: boolean } = {}) {
    const generated = generateApiKey();
    let record = {
      id: KEY_ID,
      userId: alice.userId,
      keyHash: generated.hash,
      scopes: overrides.scopes ?? ['events:read'],
      expiresAt: overrides.expiresAt ?? null,
      revokedAt: null as string | null,
    };
    const owner = { username: 'alice', isAdmin: overrides.isAdmin ?? false };
    let lookups = 0;
    let clock = 1_000_000;
    const verifier = createApiKeyVerifier({
      findByPrefix: async (prefix) => {
        lookups++;
        return prefix === generated.prefix ? record : null;
      },
      findUser: async (id) => (id === alice.userId ? owner : null),
      cacheTtlMs: 10_000,
      now: () => clock,
    });
    return {
      verifier,
      key: generated.key,
      prefix: generated.prefix,
      owner,
      lookups: () => lookups,
      tick: (ms: number) => {
        clock += ms;
      },
      revokeInStore: () => {
        record = { ...record, revokedAt: new Date().toISOString() };
      },
    };
  }

  const rejects = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(InvalidTokenError);

  it('verifies a key with its scope, reading the owner’s admin flag on every use', async () => {
    const t = setup({ scopes: ['events:read', 'events:write'] });
    expect(await t.verifier.verify(t.key, 'events:read')).toEqual({
      keyId: KEY_ID,
      userId: alice.userId,
      username: 'alice',
      isAdmin: false,
      scopes: ['events:read', 'events:write'],
      expiresAtMs: Number.POSITIVE_INFINITY,
    });
    t.owner.isAdmin = true;
    expect((await t.verifier.verify(t.key, 'events:write')).isAdmin).toBe(true);
  });

  it('refuses a wrong scope, a wrong secret with a right prefix, and malformed keys', async () => {
    const t = setup();
    await rejects(t.verifier.verify(t.key, 'events:write'));
    const tampered = `${t.key.slice(0, -1)}${t.key.endsWith('A') ? 'B' : 'A'}`;
    await rejects(t.verifier.verify(tampered, 'events:read'));
    await rejects(t.verifier.verify('irfl_nope', 'events:read'));
    await rejects(t.verifier.verify(generateApiKey().key, 'events:read'));
  });

  it('refuses an expired key from its expires_at on', async () => {
    const t = setup({ expiresAt: new Date(1_005_000).toISOString() });
    expect((await t.verifier.verify(t.key, 'events:read')).expiresAtMs).toBe(1_005_000);
    t.tick(5_000);
    await rejects(t.verifier.verify(t.key, 'events:read'));
  });

  it('asks the store once per prefix within the cache lifetime, concurrent uses included', async () => {
    const t = setup();
    await Promise.all(Array.from({ length: 20 }, () => t.verifier.verify(t.key, 'events:read')));
    expect(t.lookups()).toBe(1);
    t.tick(10_001);
    await t.verifier.verify(t.key, 'events:read');
    expect(t.lookups()).toBe(2);
  });

  it('refuses a revoked key at once when told, despite the cache, and after the TTL from the store', async () => {
    const told = setup();
    await told.verifier.verify(told.key, 'events:read');
    told.verifier.revoked({ id: KEY_ID, prefix: told.prefix });
    await rejects(told.verifier.verify(told.key, 'events:read'));

    const untold = setup();
    await untold.verifier.verify(untold.key, 'events:read');
    untold.revokeInStore();
    untold.tick(10_001);
    await rejects(untold.verifier.verify(untold.key, 'events:read'));
  });

  it('refuses a key whose owner is gone', async () => {
    const generated = generateApiKey();
    const verifier = createApiKeyVerifier({
      findByPrefix: async () => ({
        id: KEY_ID,
        userId: alice.userId,
        keyHash: generated.hash,
        scopes: ['events:read'],
        expiresAt: null,
        revokedAt: null,
      }),
      findUser: async () => null,
    });
    await rejects(verifier.verify(generated.key, 'events:read'));
  });
});
