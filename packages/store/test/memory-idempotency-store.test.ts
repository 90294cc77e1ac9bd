import { createMemoryEventLog, createMemoryIdempotencyStore } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { describeIdempotencyStore } from './contract/idempotency-store-contract.js';

describeIdempotencyStore(
  'memory',
  async ({ rememberMs }) => ({
    store: createMemoryIdempotencyStore({ rememberMs }),
    log: createMemoryEventLog(),
  }),
  { leasesExpire: false },
);

describe('createMemoryIdempotencyStore', () => {
  it('remembers at most maxKeys, forgetting the oldest first', async () => {
    const store = createMemoryIdempotencyStore({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c', 'd']) {
      const claim = await store.claim({ scope: 'w', key, fingerprint: 'f' });
      if (claim.outcome === 'claimed') await claim.lease.complete({ status: 202, body: key });
    }
    expect((await store.claim({ scope: 'w', key: 'a', fingerprint: 'f' })).outcome).toBe('claimed');
    // 'a' came back as the newest, so 'b' went.
    expect((await store.claim({ scope: 'w', key: 'b', fingerprint: 'f' })).outcome).toBe('claimed');
    expect(await store.claim({ scope: 'w', key: 'd', fingerprint: 'f' })).toEqual({
      outcome: 'replay',
      answer: { status: 202, body: 'd' },
    });
  });

  it('forgets keys by the given clock', async () => {
    let now = 1_000;
    const store = createMemoryIdempotencyStore({ rememberMs: 100, now: () => now });
    const claim = await store.claim({ scope: 'w', key: 'k', fingerprint: 'f' });
    if (claim.outcome === 'claimed') await claim.lease.complete({ status: 202, body: '{}' });
    now += 99;
    expect((await store.claim({ scope: 'w', key: 'k', fingerprint: 'f' })).outcome).toBe('replay');
    now += 1;
    expect(await store.prune()).toBe(1);
    expect((await store.claim({ scope: 'w', key: 'k', fingerprint: 'f' })).outcome).toBe('claimed');
  });

  it.each([
    [{ maxKeys: 0 }, /maxKeys must be a positive integer/],
    [{ rememberMs: -1 }, /rememberMs must be a positive integer/],
    [{ now: 5 }, /now must be a function/],
  ])('refuses %j', (options, message) => {
    expect(() => createMemoryIdempotencyStore(options as never)).toThrow(message);
  });
});
