import { randomUUID } from 'node:crypto';
import { createPostgresEventLog, type EventLog } from '@ironflow/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beforeStatement,
  logLinesStatement,
  pageStatement,
  type Statement,
} from '../src/postgres/history-queries.js';
import { schemaNames } from '../src/postgres/names.js';
import { logLine, runCreated, userSignedIn } from './contract/events.js';
import { adminPool, databaseUrl, freshSchema, skipPostgres } from './support/postgres.js';

// The history reads must cost the page, not the log: each statement is EXPLAINed on a log of
// 20 000 events and must walk the index its filter names, with no sequential scan of the events.
describe.skipIf(skipPostgres)('PostgreSQL history reads use the indexes', () => {
  const schema = freshSchema();
  const names = schemaNames(schema);
  const runIds = Array.from({ length: 200 }, () => randomUUID());
  let log: EventLog;

  beforeAll(async () => {
    log = await createPostgresEventLog({
      connectionString: databaseUrl,
      schema,
      pruneIntervalMs: 0,
      poolSize: 2,
    });
    for (let batch = 0; batch < 20; batch += 1) {
      const inputs: unknown[] = [];
      for (let index = 0; index < 1000; index += 1) {
        const runId = runIds[(batch * 1000 + index) % runIds.length] as string;
        // One event in a hundred is rare, so that filtering on its kind is selective.
        const at = new Date(Date.UTC(2025, 0, 1) + (batch * 1000 + index) * 60_000).toISOString();
        if (index % 100 === 0) inputs.push({ ...runCreated(runId), at });
        else if (index % 100 === 1) inputs.push({ ...userSignedIn(randomUUID()), at });
        else inputs.push({ ...logLine(runId, `line ${index}`), at });
      }
      await log.append(inputs);
    }
    await adminPool().query(`ANALYZE ${names.events}`);
  }, 120_000);
  afterAll(async () => {
    await log?.close();
  });

  const planOf = async (statement: Statement | null) => {
    expect(statement).not.toBeNull();
    const { text, values } = statement as Statement;
    const { rows } = await adminPool().query(`EXPLAIN ${text}`, values);
    return rows.map((row) => row['QUERY PLAN'] as string).join('\n');
  };
  const expectIndexed = (plan: string, index: string) => {
    expect(plan).toContain(index);
    expect(plan).not.toMatch(/Seq Scan on ironflow_events/);
  };
  const page = { offset: 0, limit: 50, kind: undefined, runId: undefined, from: undefined, to: undefined };
  const times = { fromMicros: undefined, toMicros: undefined };

  it('audit page without filters: a key range of the primary key, the total from the bounds', async () => {
    const plan = await planOf(pageStatement(names, { ...page, ...times, offset: 5000 }));
    expectIndexed(plan, 'ironflow_events_pkey');
    expect(plan).not.toMatch(/Aggregate.*count|count\(\*\)/);
    expect(await log.readPage({ offset: 5000, limit: 50 })).toMatchObject({ total: 20_000 });
  });

  it('audit page by event_type: the (kind, seq) index', async () => {
    expectIndexed(
      await planOf(pageStatement(names, { ...page, ...times, kind: 'run_created' })),
      'ironflow_events_kind_seq',
    );
    expect((await log.readPage({ kind: 'run_created', offset: 0, limit: 50 })).total).toBe(200);
  });

  it('audit page by run_id: the (run_id, seq) index', async () => {
    const runId = runIds[7] as string;
    expectIndexed(
      await planOf(pageStatement(names, { ...page, ...times, runId })),
      'ironflow_events_run_seq',
    );
    expect((await log.readPage({ runId, offset: 0, limit: 50 })).total).toBe(100);
  });

  it('audit page by from/to: the (at) index', async () => {
    const from = '2025-01-05T00:00:00Z';
    const to = '2025-01-05T03:00:00Z';
    expectIndexed(await planOf(pageStatement(names, { ...page, ...times, from, to })), 'ironflow_events_at');
    expect((await log.readPage({ from, to, offset: 0, limit: 500 })).total).toBe(181);
  });

  it("a run's log lines: the (run_id, seq) index, with step and stream filters too", async () => {
    const runId = runIds[3] as string;
    const query = { runId, afterSeq: 0, limit: 1000, stepId: undefined, stream: undefined };
    expectIndexed(await planOf(logLinesStatement(names, query)), 'ironflow_events_run_seq');
    const filtered = { ...query, stepId: '6f1c2f9e-3b0a-4c8e-9d2a-0a1b2c3d4e5f', stream: 'stdout' };
    expectIndexed(await planOf(logLinesStatement(names, filtered)), 'ironflow_events_run_seq');
  });

  it('the backlog: the same indexes, backwards', async () => {
    const head = 20_001;
    const base = { beforeSeq: head, limit: 100, runId: undefined, kinds: undefined };
    expectIndexed(await planOf(beforeStatement(names, base)), 'ironflow_events_pkey');
    expectIndexed(
      await planOf(beforeStatement(names, { ...base, runId: runIds[5] })),
      'ironflow_events_run_seq',
    );
    expectIndexed(
      await planOf(beforeStatement(names, { ...base, kinds: ['run_created'] })),
      'ironflow_events_kind_seq',
    );
  });
});
