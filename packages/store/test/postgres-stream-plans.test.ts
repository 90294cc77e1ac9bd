import { randomUUID } from 'node:crypto';
import { createPostgresEventLog, type EventLog, type StoredEvent } from '@ironflow/store';
import { waitFor } from '@ironflow/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLine, runCreated, userSignedIn } from './contract/events.js';
import { adminPool, databaseUrl, freshSchema, skipPostgres } from './support/postgres.js';

// The stream's reads (the replay of a resuming client, with or without filters, and every
// instance's tail) must cost the page, not the log: the statements the log really sends are
// recorded, then EXPLAINed on a log of 20,000 events, and must walk the index their filter names.
describe.skipIf(skipPostgres)('PostgreSQL stream reads and the tail use the indexes', () => {
  const reads: { text: string; values: unknown[] }[] = [];
  class RecordingPool extends pg.Pool {
    override query(...args: unknown[]): never {
      // A statement comes as (text, values) or as a config object (the prepared ones).
      const [first, second] = args as [unknown, unknown[]];
      const { text, values } =
        typeof first === 'object' && first !== null
          ? (first as { text: unknown; values: unknown[] })
          : { text: first, values: second };
      if (typeof text === 'string' && /ORDER BY (page\.)?seq LIMIT \$\d/.test(text))
        reads.push({ text, values });
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  const pool = new RecordingPool({ connectionString: databaseUrl, max: 4 });
  const schema = freshSchema();
  const runIds = Array.from({ length: 200 }, () => randomUUID());
  let log: EventLog;
  let tailed = 0;

  beforeAll(async () => {
    log = await createPostgresEventLog({ pool, schema, pruneIntervalMs: 0 });
    log.subscribe((batch) => {
      tailed += batch.length;
    });
    for (let batch = 0; batch < 20; batch += 1) {
      const inputs: unknown[] = [];
      for (let index = 0; index < 1000; index += 1) {
        const runId = runIds[(batch * 1000 + index) % runIds.length] as string;
        // One event in a hundred is rare, so that filtering on its kind is selective.
        if (index % 100 === 0) inputs.push(runCreated(runId));
        else if (index % 100 === 1) inputs.push(userSignedIn(randomUUID()));
        else inputs.push(logLine(runId, `line ${index}`));
      }
      await log.append(inputs);
    }
    await waitFor(() => tailed === 20_000, 'the tail to deliver all 20,000', 60_000);
    await adminPool().query(`ANALYZE "${schema}".ironflow_events`);
  }, 180_000);
  afterAll(async () => {
    await log?.close();
    await pool.end();
  });

  /** The plan of every page statement `read` sends. */
  async function plansOf(read: () => Promise<StoredEvent[]>): Promise<string[]> {
    reads.length = 0;
    await read();
    expect(reads.length).toBeGreaterThan(0);
    const plans: string[] = [];
    for (const { text, values } of reads.splice(0)) {
      const { rows } = await adminPool().query(`EXPLAIN ${text}`, values);
      plans.push(rows.map((row) => row['QUERY PLAN'] as string).join('\n'));
    }
    return plans;
  }
  const expectIndexed = (plans: string[], index: string) => {
    for (const plan of plans) {
      expect(plan).toContain(index);
      expect(plan).not.toMatch(/Seq Scan on ironflow_events/);
    }
  };

  it('a replay without filters (and the tail, which reads the same way): the primary key', async () => {
    expectIndexed(await plansOf(() => log.read({ afterSeq: 15_000, limit: 500 })), 'ironflow_events_pkey');
  });

  it('a replay of one run: the (run_id, seq) index, also with kinds', async () => {
    const runId = runIds[7] as string;
    expectIndexed(
      await plansOf(() => log.read({ afterSeq: 0, runId, limit: 500 })),
      'ironflow_events_run_seq',
    );
    expectIndexed(
      await plansOf(() => log.read({ afterSeq: 0, runId, kinds: ['run_created'], limit: 500 })),
      'ironflow_events_run_seq',
    );
  });

  it('a replay of some kinds: one (kind, seq) range per kind', async () => {
    expectIndexed(
      await plansOf(() =>
        log.read({ afterSeq: 0, kinds: ['run_created', 'run_status_changed'], limit: 500 }),
      ),
      'ironflow_events_kind_seq',
    );
  });

  it("the tail's catch-up after another instance's burst: the primary key, 5,000 rows a page", async () => {
    reads.length = 0;
    const other = await createPostgresEventLog({ connectionString: databaseUrl, schema, pruneIntervalMs: 0 });
    try {
      const runId = randomUUID();
      await other.append(Array.from({ length: 600 }, (_, n) => logLine(runId, `${n}`)));
      await waitFor(() => tailed === 20_600, 'the tail to read the burst', 30_000);
    } finally {
      await other.close();
    }
    const tailReads = reads.splice(0).filter(({ text }) => !text.includes('run_id ='));
    expect(tailReads.length).toBeGreaterThan(0);
    for (const { text, values } of tailReads) {
      expect(values.at(-1)).toBe(5_000);
      const { rows } = await adminPool().query(`EXPLAIN ${text}`, values);
      const plan = rows.map((row) => row['QUERY PLAN'] as string).join('\n');
      expect(plan).toContain('ironflow_events_pkey');
      expect(plan).not.toMatch(/Seq Scan on ironflow_events/);
    }
  });
});
