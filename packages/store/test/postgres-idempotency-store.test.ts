import {
  createPostgresEventLog,
  createPostgresIdempotencyStore,
  type EventLog,
  type IdempotencyStore,
} from '@ironflow/store';
import { afterEach, describe, expect, it } from 'vitest';
import { describeIdempotencyStore } from './contract/idempotency-store-contract.js';
import { adminPool, databaseUrl, freshSchema, skipPostgres } from './support/postgres.js';

describe.skipIf(skipPostgres)('PostgreSQL idempotency store', () => {
  const opened: (IdempotencyStore | EventLog)[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()));
  });
  const open = async (options: { rememberMs?: number; leaseMs?: number }, schema = freshSchema()) => {
    const store = await createPostgresIdempotencyStore({
      connectionString: databaseUrl,
      schema,
      poolSize: 4,
      pruneIntervalMs: 0,
      ...options,
    });
    opened.push(store);
    const log = await createPostgresEventLog({
      connectionString: databaseUrl,
      schema,
      poolSize: 4,
      pruneIntervalMs: 0,
    });
    opened.push(log);
    return { store, log };
  };

  describeIdempotencyStore('postgres', (options) => open(options), { leasesExpire: true });

  it('shares keys between instances on one schema', async () => {
    const schema = freshSchema();
    const a = await open({}, schema);
    const b = await open({}, schema);
    const claim = await a.store.claim({ scope: 'w', key: 'k', fingerprint: 'f' });
    expect(claim.outcome).toBe('claimed');
    expect((await b.store.claim({ scope: 'w', key: 'k', fingerprint: 'f' })).outcome).toBe('in-flight');
    if (claim.outcome === 'claimed') await claim.lease.complete({ status: 202, body: '{"x":1}' });
    expect(await b.store.claim({ scope: 'w', key: 'k', fingerprint: 'f' })).toEqual({
      outcome: 'replay',
      answer: { status: 202, body: '{"x":1}' },
    });
  });

  it('rolls the batch back when recording the answer fails, so neither is stored', async () => {
    const schema = freshSchema();
    const { store, log } = await open({}, schema);
    const claim = await store.claim({ scope: 'w', key: 'k', fingerprint: 'f' });
    if (claim.outcome !== 'claimed') throw new Error('not claimed');
    // A status the column refuses makes the answer's UPDATE fail after the insert ran.
    await expect(
      log.append(
        [{ type: 'run_created', run_id: '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d', workflow_name: 'w' }],
        {
          idempotency: { lease: claim.lease, answer: () => ({ status: 2 ** 40, body: '{}' }) },
        },
      ),
    ).rejects.toThrow();
    const { rows } = await adminPool().query(`SELECT count(*)::int AS n FROM "${schema}".ironflow_events`);
    expect(rows[0].n).toBe(0);
    expect(log.bounds().headSeq).toBe(0);
  });
});
