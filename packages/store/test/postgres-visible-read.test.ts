import { randomUUID } from 'node:crypto';
import { createPostgresEventLog, type EventLog, type StoredEvent } from '@ironflow/store';
import { waitFor } from '@ironflow/test-support';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runCreated, userSignedIn } from './contract/events.js';
import { adminPool, databaseUrl, freshSchema, skipPostgres } from './support/postgres.js';

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows of the events table that a plan's scans produced or threw away, over all their loops. */
function eventRowsRead(node: PlanNode): number {
  let rows = 0;
  if (node['Relation Name'] === 'ironflow_events') {
    const perLoop =
      (node['Actual Rows'] ?? 0) +
      (node['Rows Removed by Filter'] ?? 0) +
      (node['Rows Removed by Index Recheck'] ?? 0);
    rows += perLoop * (node['Actual Loops'] ?? 1);
  }
  for (const child of node.Plans ?? []) rows += eventRowsRead(child);
  return rows;
}

describe.skipIf(skipPostgres)('PostgreSQL read visibleTo: the cost follows what the user may see', () => {
  // The log's reads go through this pool; each page query is replayed under EXPLAIN ANALYZE.
  const reads: { text: string; values: unknown[] }[] = [];
  class RecordingPool extends pg.Pool {
    override query(...args: unknown[]): never {
      const [text, values] = args as [unknown, unknown[]];
      if (typeof text === 'string' && /ORDER BY seq LIMIT \$\d/.test(text) && text.includes('json'))
        reads.push({ text, values });
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  const pool = new RecordingPool({ connectionString: databaseUrl, max: 4 });
  let log: EventLog;
  afterAll(async () => {
    await log?.close();
    await pool.end();
  });

  async function replay(
    visibleTo: string | undefined,
  ): Promise<{ events: StoredEvent[]; rowsRead: number; plans: unknown[] }> {
    reads.length = 0;
    const events: StoredEvent[] = [];
    let afterSeq = 0;
    for (let pages = 0; pages < 100; pages++) {
      const page = await log.read({ afterSeq, visibleTo, limit: 500 });
      events.push(...page);
      if (page.length < 500) break;
      afterSeq = (page.at(-1) as StoredEvent).seq;
    }
    let rowsRead = 0;
    const plans: unknown[] = [];
    for (const { text, values } of reads.splice(0)) {
      const { rows } = await adminPool().query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
      const plan = (rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]?.Plan as PlanNode;
      plans.push(plan);
      rowsRead += eventRowsRead(plan);
    }
    return { events, rowsRead, plans };
  }

  it("reads the user's own events and the shared kinds, not the 3,000 user events of others", async () => {
    log = await createPostgresEventLog({ pool, schema: freshSchema(), pruneIntervalMs: 0 });
    // The tail reads the log too (through the same pool) as it catches up: wait until it has seen
    // every append, so that only the replay's reads are recorded.
    let tailSeq = 0;
    const stop = log.subscribe((batch) => {
      tailSeq = (batch.at(-1) as StoredEvent).seq;
    });
    const me = randomUUID();
    await log.append([runCreated(randomUUID()), userSignedIn(me)]);
    for (let batch = 0; batch < 3; batch++) {
      await log.append(Array.from({ length: 1_000 }, () => userSignedIn(randomUUID())));
    }
    await log.append([runCreated(randomUUID()), userSignedIn(me), runCreated(randomUUID())]);
    await waitFor(() => tailSeq === 3_005, 'the tail to follow every append', 10_000);
    stop();

    const mine = await replay(me);
    expect(mine.events.map((stored) => stored.event.type)).toEqual([
      'run_created',
      'user_signed_in',
      'run_created',
      'user_signed_in',
      'run_created',
    ]);
    expect(mine.rowsRead, JSON.stringify(mine.plans)).toBeLessThanOrEqual(10);

    // An admin's read, for contrast: every row, as a non-admin's replay cost before.
    const everything = await replay(undefined);
    expect(everything.events).toHaveLength(3_005);
    expect(everything.rowsRead).toBeGreaterThanOrEqual(3_005);
  }, 60_000);
});
