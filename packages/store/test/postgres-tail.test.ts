import { randomUUID } from 'node:crypto';
import {
  createPostgresEventLog,
  type EventLog,
  type PostgresEventLogOptions,
  type StoredEvent,
} from '@ironflow/store';
import { within } from '@ironflow/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from './contract/collector.js';
import { logLine, runCreated } from './contract/events.js';
import { adminPool, databaseUrl, freshSchema, skipPostgres } from './support/postgres.js';

const range = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

describe.skipIf(skipPostgres)('PostgreSQL log tail across instances', () => {
  const opened: EventLog[] = [];
  const open = async (schema: string, options: Partial<PostgresEventLogOptions> = {}) => {
    const log = await createPostgresEventLog({
      connectionString: databaseUrl,
      schema,
      pruneIntervalMs: 0,
      ...options,
    });
    opened.push(log);
    return log;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((log) => log.close()));
  });

  it('gives a tailing reader every event of parallel writers once, gap-free, in the table order', async () => {
    const schema = freshSchema();
    // Three writer instances with eight connections each, and a reader on its own instance.
    const writers = await Promise.all([1, 2, 3].map(() => open(schema, { poolSize: 8 })));
    const reader = await open(schema, { pageSize: 7 });
    const tail = collect(reader);
    const runId = randomUUID();
    const appends: Promise<StoredEvent[]>[] = [];
    for (let round = 0; round < 40; round += 1) {
      for (const [index, writer] of writers.entries()) {
        const size = 1 + ((round + index) % 5);
        appends.push(
          writer.append(Array.from({ length: size }, (_, n) => logLine(runId, `${round}.${index}.${n}`))),
        );
      }
    }
    const batches = await Promise.all(appends);
    const total = batches.reduce((sum, batch) => sum + batch.length, 0);
    await within(10_000, `${total} events on the reader`, tail.until(total));

    expect(tail.seqs()).toEqual(range(total));
    const { rows } = await adminPool().query(
      `SELECT seq, json FROM "${schema}".ironflow_events ORDER BY seq`,
    );
    expect(rows.map((row) => Number(row.seq))).toEqual(range(total));
    expect(tail.batches.flat().map((stored) => stored.json)).toEqual(rows.map((row) => row.json));
    // Whole batches, as appended, even though the reader reads pages of 7 rows.
    const appended = batches.sort((x, y) => (x[0] as StoredEvent).seq - (y[0] as StoredEvent).seq);
    expect(tail.batches).toEqual(appended);
    expect(reader.bounds()).toEqual({ oldestSeq: 1, headSeq: total });
  });

  it("hands each writer's own commits to its tail as appended, between the others' rows in table order", async () => {
    const schema = freshSchema();
    const writers = await Promise.all([1, 2, 3].map(() => open(schema, { poolSize: 4, pageSize: 5 })));
    const tails = writers.map((writer) => collect(writer));
    const runId = randomUUID();
    const appends: Promise<StoredEvent[]>[][] = writers.map(() => []);
    for (let round = 0; round < 40; round += 1) {
      for (const [index, writer] of writers.entries()) {
        const size = 1 + ((round + index) % 7);
        (appends[index] as Promise<StoredEvent[]>[]).push(
          writer.append(Array.from({ length: size }, (_, n) => logLine(runId, `${round}.${index}.${n}`))),
        );
      }
    }
    const own = await Promise.all(appends.map((list) => Promise.all(list)));
    const total = own.flat().reduce((sum, batch) => sum + batch.length, 0);
    const { rows } = await adminPool().query(
      `SELECT seq, json FROM "${schema}".ironflow_events ORDER BY seq`,
    );
    const appended = own.flat().sort((x, y) => (x[0] as StoredEvent).seq - (y[0] as StoredEvent).seq);
    for (const [index, tail] of tails.entries()) {
      await within(10_000, `${total} events on writer ${index}`, tail.until(total));
      expect(tail.seqs()).toEqual(range(total));
      expect(tail.batches.flat().map((stored) => stored.json)).toEqual(rows.map((row) => row.json));
      expect(tail.batches).toEqual(appended);
      // Its own events are the very objects its appends returned: handed over, not read back. A
      // catch-up whose read began before an append may still see its commit (the read's snapshot
      // is taken when PostgreSQL runs it, later under load) and deliver it from the table, which is
      // as correct; so some, not all, must be handed over (the old tail handed over none).
      const delivered = new Map(tail.batches.flat().map((stored) => [stored.seq, stored.event]));
      const ownEvents = (own[index] as StoredEvent[][]).flat();
      const handedOver = ownEvents.filter((stored) => delivered.get(stored.seq) === stored.event);
      expect(handedOver.length, `writer ${index}: own events handed over`).toBeGreaterThan(0);
    }
  });

  it('recovers from a terminated LISTEN connection and delivers everything exactly once', async () => {
    const schema = freshSchema();
    const errors: string[] = [];
    const reader = await open(schema, {
      reconnect: { minDelayMs: 50, maxDelayMs: 200 },
      onError: (_error, context) => errors.push(context),
    });
    const writer = await open(schema, { onError: () => {} });
    const tail = collect(reader);
    const runId = randomUUID();
    await writer.append([runCreated(runId)]);
    await within(5_000, 'the first event', tail.until(1));

    const channel = `LISTEN "ironflow_log:${schema}"`;
    const listening = async () =>
      (
        await adminPool().query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()',
          [channel],
        )
      ).rows.map((row) => row.pid);
    const [before] = await listening();
    expect(before).toBeTypeOf('number');
    // Both instances listen; cut both, then append while they are deaf.
    await adminPool().query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
      await listening(),
    ]);
    for (let index = 0; index < 20; index += 1) await writer.append([logLine(runId, `during ${index}`)]);
    await within(5_000, '21 events after the reconnect', tail.until(21));
    for (let index = 0; index < 10; index += 1) await writer.append([logLine(runId, `after ${index}`)]);
    await within(5_000, '31 events', tail.until(31));

    expect(tail.seqs()).toEqual(range(31));
    expect(errors).toContain('listen connection lost; reconnecting');
    // Both instances listen again; the writer's reconnect keeps its own (slower) backoff.
    let after: number[] = [];
    await within(
      10_000,
      'both instances to listen again',
      (async () => {
        for (;;) {
          after = await listening();
          if (after.length >= 2) return;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })(),
    );
    expect(after).toHaveLength(2);
    expect(after).not.toContain(before);
  });
});
