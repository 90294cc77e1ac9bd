import { randomUUID } from 'node:crypto';
import {
  type EventLog,
  IdempotencyKeyInUseError,
  type IdempotencyLease,
  type IdempotencyStore,
  type IdempotentAnswer,
  type StoredEvent,
} from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { runCreated } from './events.js';

/** A fresh idempotency store and a log it can commit answers with (same backend, same schema). */
export type MakeIdempotencyStore = (options: {
  rememberMs?: number;
  leaseMs?: number;
}) => Promise<{ store: IdempotencyStore; log: EventLog }>;

/** What a backend does beyond the shared contract. */
export interface IdempotencyCapabilities {
  /** Claims expire after `leaseMs` (PostgreSQL); in memory they last until completed or released. */
  readonly leasesExpire: boolean;
}

const answerOf = (stored: readonly StoredEvent[]): IdempotentAnswer => ({
  status: 202,
  body: JSON.stringify({
    data: { accepted: stored.length, first_id: stored[0]?.cursor, last_id: stored.at(-1)?.cursor },
    meta: null,
  }),
});

async function claimed(store: IdempotencyStore, scope: string, key: string, fingerprint: string) {
  const claim = await store.claim({ scope, key, fingerprint });
  expect(claim.outcome).toBe('claimed');
  return (claim as { lease: IdempotencyLease }).lease;
}

/** Polls `condition` until it holds, at most `timeoutMs` (for expiry on the database clock). */
async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The behaviour every `IdempotencyStore` backend must show (docs/PROTOCOL.md section 4, "Exactly once"). */
export function describeIdempotencyStore(
  name: string,
  make: MakeIdempotencyStore,
  capabilities: IdempotencyCapabilities,
): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    it('gives a new key to its first request; the same key meanwhile is in flight, or a mismatch with another fingerprint', async () => {
      const { store } = await make({});
      await claimed(store, 'worker', 'k1', 'f1');
      expect(await store.claim({ scope: 'worker', key: 'k1', fingerprint: 'f1' })).toEqual({
        outcome: 'in-flight',
      });
      expect(await store.claim({ scope: 'worker', key: 'k1', fingerprint: 'f2' })).toEqual({
        outcome: 'mismatch',
      });
    });

    it('replays the completed answer exactly, and only for the same fingerprint', async () => {
      const { store } = await make({});
      const lease = await claimed(store, 'worker', 'k1', 'f1');
      const answer = { status: 202, body: '{"data":{"accepted":0},"meta":null}' };
      expect(await lease.complete(answer)).toBe(true);
      expect(await lease.complete({ status: 500, body: 'x' })).toBe(false);
      expect(await store.claim({ scope: 'worker', key: 'k1', fingerprint: 'f1' })).toEqual({
        outcome: 'replay',
        answer,
      });
      expect(await store.claim({ scope: 'worker', key: 'k1', fingerprint: 'f2' })).toEqual({
        outcome: 'mismatch',
      });
    });

    it('frees a released key for any request; a released lease can no longer complete', async () => {
      const { store } = await make({});
      const lease = await claimed(store, 'worker', 'k1', 'f1');
      await lease.release();
      const again = await claimed(store, 'worker', 'k1', 'f2');
      expect(await lease.complete({ status: 202, body: '{}' })).toBe(false);
      await lease.release(); // the old lease's release leaves the new claim alone
      expect(await store.claim({ scope: 'worker', key: 'k1', fingerprint: 'f2' })).toEqual({
        outcome: 'in-flight',
      });
      expect(await again.complete({ status: 202, body: '{}' })).toBe(true);
    });

    it('keeps the keys of different credentials apart', async () => {
      const { store } = await make({});
      const worker = await claimed(store, 'worker', 'same', 'f1');
      await worker.complete({ status: 202, body: '{"a":1}' });
      const key = await claimed(store, 'api-key:7', 'same', 'f2');
      await key.complete({ status: 202, body: '{"b":2}' });
      expect(await store.claim({ scope: 'worker', key: 'same', fingerprint: 'f1' })).toMatchObject({
        answer: { body: '{"a":1}' },
      });
    });

    it('lets exactly one of many concurrent requests with one key run', async () => {
      const { store } = await make({});
      const claims = await Promise.all(
        Array.from({ length: 20 }, () => store.claim({ scope: 'worker', key: 'race', fingerprint: 'f' })),
      );
      expect(claims.filter((claim) => claim.outcome === 'claimed')).toHaveLength(1);
      expect(claims.filter((claim) => claim.outcome === 'in-flight')).toHaveLength(19);
    });

    it('records the answer of an append with its batch: a retry replays it and the log holds one copy', async () => {
      const { store, log } = await make({});
      const runId = randomUUID();
      const lease = await claimed(store, 'worker', 'batch-1', 'f');
      const stored = await log.append([runCreated(runId), runCreated(runId)], {
        idempotency: { lease, answer: answerOf },
      });
      const retry = await store.claim({ scope: 'worker', key: 'batch-1', fingerprint: 'f' });
      expect(retry).toEqual({ outcome: 'replay', answer: answerOf(stored) });
      expect(await log.read({ afterSeq: 0, runId, limit: 10 })).toHaveLength(2);
    });

    it('forgets a key after rememberMs', async () => {
      const { store } = await make({ rememberMs: 300 });
      const lease = await claimed(store, 'worker', 'old', 'f1');
      await lease.complete({ status: 202, body: '{}' });
      await eventually(
        async () =>
          (await store.claim({ scope: 'worker', key: 'old', fingerprint: 'f2' })).outcome === 'claimed',
        'the key to be forgotten',
      );
      const other = await claimed(store, 'worker', 'other', 'f');
      await other.complete({ status: 202, body: '{}' });
      await eventually(async () => (await store.prune()) >= 1, 'prune to remove the forgotten keys');
    });

    it.runIf(capabilities.leasesExpire)(
      'frees a key whose holder never answered after leaseMs; the lost lease stores nothing',
      async () => {
        const { store, log } = await make({ leaseMs: 300 });
        const dead = await claimed(store, 'worker', 'crash', 'f');
        expect((await store.claim({ scope: 'worker', key: 'crash', fingerprint: 'f' })).outcome).toBe(
          'in-flight',
        );
        let retry: IdempotencyLease | undefined;
        await eventually(async () => {
          const claim = await store.claim({ scope: 'worker', key: 'crash', fingerprint: 'f' });
          if (claim.outcome === 'claimed') retry = claim.lease;
          return retry !== undefined;
        }, 'the lease to expire');
        const runId = randomUUID();
        await expect(
          log.append([runCreated(runId)], { idempotency: { lease: dead, answer: answerOf } }),
        ).rejects.toBeInstanceOf(IdempotencyKeyInUseError);
        expect(await dead.complete({ status: 202, body: '{}' })).toBe(false);
        const stored = await log.append([runCreated(runId)], {
          idempotency: { lease: retry as IdempotencyLease, answer: answerOf },
        });
        expect(await log.read({ afterSeq: 0, runId, limit: 10 })).toEqual(stored);
      },
    );
  });
}
