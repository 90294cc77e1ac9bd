import { randomUUID } from 'node:crypto';
import { runIdOf, userIdOf } from '@ironflow/engine';
import {
  createPostgresEventLog,
  type EventLog,
  type PostgresEventLogOptions,
  type StoredEvent,
} from '@ironflow/store';
import { waitFor } from '@ironflow/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEventLog } from './contract/event-log-contract.js';
import { logLine, runCreated, userSignedIn } from './contract/events.js';
import { adminPool, databaseUrl, freshSchema, skipPostgres } from './support/postgres.js';

describe.skipIf(skipPostgres)('PostgreSQL event log', () => {
  const opened: EventLog[] = [];
  const open = async (options: Partial<PostgresEventLogOptions> = {}) => {
    const log = await createPostgresEventLog({
      connectionString: databaseUrl,
      schema: freshSchema(),
      pruneIntervalMs: 0,
      poolSize: 4,
      ...options,
    });
    opened.push(log);
    return log;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((log) => log.close()));
  });

  // Postgres retains by age; the contract's count case runs through the optional historyLimit,
  // which prune() enforces.
  describeEventLog('postgres', ({ historyLimit }) => open({ historyLimit }));

  it('takes the user of a user_* row without user_id (an older build appended it) from its event', async () => {
    // Who may see a user_* event depends on its user: a row an older build left without the
    // column must not be read as concerning nobody (delivered to everyone).
    const schema = freshSchema();
    const writer = await open({ schema });
    const reader = await open({ schema });
    const tail: StoredEvent[] = [];
    reader.subscribe((batch) => tail.push(...batch));
    const userId = randomUUID();
    await writer.append([userSignedIn(userId), runCreated(randomUUID())]);
    await adminPool().query(`UPDATE "${schema}".ironflow_events SET user_id = NULL`);
    await writer.append([userSignedIn(userId)]);
    await adminPool().query(`UPDATE "${schema}".ironflow_events SET user_id = NULL`);
    await waitFor(() => tail.length === 3, 'the reader tails 3 events');
    const read = await reader.read({ afterSeq: 0, limit: 10 });
    const before = await reader.readBefore({ beforeSeq: 10, limit: 10 });
    for (const stored of [...read, ...before]) {
      expect(stored.userId).toBe(stored.kind === 'user_signed_in' ? userId : null);
      expect(stored.userId).toBe(userIdOf(stored.event));
    }
    expect(read).toHaveLength(3);
    expect(tail.map((stored) => stored.userId)).toEqual([userId, null, userId]);
  });

  it('shares one epoch and one sequence between logs opened at once on a fresh schema', async () => {
    const schema = freshSchema();
    const logs = await Promise.all(Array.from({ length: 5 }, () => open({ schema })));
    expect(new Set(logs.map((log) => log.epoch)).size).toBe(1);
    const { rows } = await adminPool().query(
      `SELECT version FROM "${schema}".ironflow_schema_migrations ORDER BY 1`,
    );
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const [first] = await (logs[0] as EventLog).append([runCreated(randomUUID())]);
    const [second] = await (logs[4] as EventLog).append([runCreated(randomUUID())]);
    expect([first?.seq, second?.seq]).toEqual([1, 2]);
    const reopened = await open({ schema });
    expect(reopened.epoch).toBe(logs[0]?.epoch);
    expect(reopened.bounds()).toEqual({ oldestSeq: 1, headSeq: 2 });
  });

  it('prunes events older than retentionHours, keeping the retained seqs consecutive', async () => {
    const schema = freshSchema();
    const log = await open({ schema, retentionHours: 1 });
    const runId = randomUUID();
    await log.append([runCreated(runId), logLine(runId, 'a'), logLine(runId, 'b')]);
    await log.append([logLine(runId, 'c')]);
    await adminPool().query(
      `UPDATE "${schema}".ironflow_events SET appended_at = now() - interval '2 hours' WHERE seq <= 2`,
    );
    expect(await log.prune()).toBe(2);
    expect(log.bounds()).toEqual({ oldestSeq: 3, headSeq: 4 });
    expect((await log.read({ afterSeq: 0, limit: 10 })).map((stored) => stored.seq)).toEqual([3, 4]);
    await adminPool().query(
      `UPDATE "${schema}".ironflow_events SET appended_at = now() - interval '2 hours'`,
    );
    expect(await log.prune()).toBe(2);
    expect(log.bounds()).toEqual({ oldestSeq: null, headSeq: 4 });
    const [next] = await log.append([logLine(runId, 'd')]);
    expect(next?.seq).toBe(5);
    expect(log.bounds()).toEqual({ oldestSeq: 5, headSeq: 5 });
  });

  it('tells another instance of a prune, which then reports the new oldest seq', async () => {
    const schema = freshSchema();
    const pruner = await open({ schema, historyLimit: 2 });
    const other = await open({ schema });
    const runId = randomUUID();
    await pruner.append([runCreated(runId), logLine(runId, 'a'), logLine(runId, 'b'), logLine(runId, 'c')]);
    await pruner.prune();
    await waitFor(() => other.bounds().oldestSeq === 3, 'the other instance to see the prune');
    expect(other.bounds()).toEqual({ oldestSeq: 3, headSeq: 4 });
  });

  it('shares one commit between concurrent appends, each batch keeping its own seqs and tail batch', async () => {
    const schema = freshSchema();
    const log = await open({ schema });
    const other = await open({ schema });
    const delivered: number[][] = [];
    other.subscribe((batch) => {
      delivered.push(batch.map((stored) => stored.seq));
    });
    const runIds = Array.from({ length: 16 }, () => randomUUID());
    const appended = await Promise.all(
      runIds.map((runId) =>
        log.append(
          Array.from({ length: 10 }, (_, n) => (n === 0 ? runCreated(runId) : logLine(runId, `${n}`))),
        ),
      ),
    );
    // Each append got ten consecutive seqs of its own, in the order the appends were made.
    expect(appended.map((batch) => batch.map((stored) => stored.seq))).toEqual(
      runIds.map((_, i) => Array.from({ length: 10 }, (_, n) => i * 10 + n + 1)),
    );
    for (const [i, batch] of appended.entries()) {
      expect(batch.every((stored) => runIdOf(stored.event) === runIds[i])).toBe(true);
    }
    // The first append went alone; the 15 that came while it was in flight shared one commit.
    const { rows } = await adminPool().query(
      `SELECT count(DISTINCT xmin::text)::int AS commits FROM "${schema}".ironflow_events`,
    );
    expect(rows[0].commits).toBe(2);
    // Another instance's tail still delivers them as 16 batches, not as one.
    await waitFor(() => delivered.flat().length === 160, 'the other instance to deliver all 160');
    expect(delivered).toEqual(appended.map((batch) => batch.map((stored) => stored.seq)));
  });

  it('notifies once per commit with a wake-up only (no payload)', async () => {
    const schema = freshSchema();
    const log = await open({ schema });
    const client = await adminPool().connect();
    const payloads: string[] = [];
    client.on('notification', (message) => payloads.push(message.payload ?? ''));
    try {
      await client.query(`LISTEN "ironflow_log:${schema}"`);
      const runId = randomUUID();
      await Promise.all([1, 2, 3].map((n) => log.append([logLine(runId, `${n}`), logLine(runId, 'x')])));
      await waitFor(() => payloads.length >= 2, 'the notifications');
      // Two commits (the first append alone, then the other two together), two empty payloads.
      await client.query('SELECT 1');
      expect(payloads).toEqual(['', '']);
    } finally {
      await client.query('UNLISTEN *');
      client.release();
    }
  });

  it('reads a run through the (run_id, seq) index', async () => {
    const schema = freshSchema();
    const log = await open({ schema });
    const runIds = Array.from({ length: 50 }, () => randomUUID());
    for (let page = 0; page < 10; page += 1) {
      await log.append(
        runIds.flatMap((runId) => Array.from({ length: 10 }, (_, n) => logLine(runId, `${n}`))),
      );
    }
    const pool = adminPool();
    await pool.query(`ANALYZE "${schema}".ironflow_events`);
    const { rows } = await pool.query(
      `EXPLAIN SELECT seq, json, batch_last FROM "${schema}".ironflow_events
       WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [runIds[7], 0, 500],
    );
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toContain('ironflow_events_run_seq');
    expect(await log.read({ afterSeq: 0, runId: runIds[7], limit: 500 })).toHaveLength(100);
  });

  it('refuses bad options with a message that says how to fix them', async () => {
    await expect(createPostgresEventLog({})).rejects.toThrow(/exactly one of pool .* or connectionString/);
    await expect(
      createPostgresEventLog({ connectionString: databaseUrl, schema: 'Bad-Name' }),
    ).rejects.toThrow(/schema must match/);
    await expect(
      createPostgresEventLog({ connectionString: databaseUrl, retentionHours: 0 }),
    ).rejects.toThrow(/retentionHours must be a positive number/);
  });
});
