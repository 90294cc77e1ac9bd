import { randomUUID } from 'node:crypto';
import { adminUrl, freshDatabase, psql, within } from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { serversKilledAfterEach } from './support/built.js';

// The bench's S6 re-run got 500s from the ingest route of both builds on its first run: another
// bench invocation on the same database started its S6 at the same moment and dropped the shared
// schema to start fresh, under the first one's running server, whose appends then failed with
// 42P01 "relation … does not exist". Here a built server on a fresh database takes 16 concurrent
// producers while its schema is dropped and recreated empty: every answer must be 202 or 503
// with Retry-After (docs/PROTOCOL.md §4 "Faults", §7: never 500), and the log names the cause.
const database = freshDatabase('ironflow_dropped');
const PRODUCERS = 16;
const REQUESTS = 12;

describe.skipIf(adminUrl === '')('a schema dropped under a running server (built, PostgreSQL)', () => {
  const spawnBuilt = serversKilledAfterEach();
  beforeAll(() => database.create());
  afterAll(() => database.drop());

  it('answers ingest 202 or 503 with Retry-After, never 500, while its tables are gone', async () => {
    const server = spawnBuilt({ PORT: '0', DATABASE_URL: database.url });
    const listening = await within(
      15_000,
      `"ironflow listening" (stderr: ${server.stderr()})`,
      server.logLine((line) => line.msg === 'ironflow listening'),
    );
    const statuses: Record<number, number> = {};
    const withoutRetryAfter: string[] = [];
    const post = async (runId: string, batch: number) => {
      const events = Array.from({ length: batch }, () => ({
        type: 'run_status_changed',
        run_id: runId,
        workflow_name: 'nightly',
        from: 'pending',
        to: 'running',
        error: null,
        cost_usd: 0.01,
        duration_ms: 1200,
        labels: {},
        at: '2026-11-27T14:00:00.123Z',
      }));
      const response = await fetch(`${listening.url as string}/api/v1/internal/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 503 && !response.headers.get('retry-after')) withoutRetryAfter.push(runId);
      return response.status;
    };
    // Producers post one request in flight each, batches of 10 then 100, as S6 does; the schema
    // goes once every producer has been accepted at least once, so appends are in flight.
    let accepted = 0;
    let dropped: Promise<string> | undefined;
    await within(
      60_000,
      `16 producers (statuses so far ${JSON.stringify(statuses)})`,
      Promise.all(
        Array.from({ length: PRODUCERS }, async () => {
          const runId = randomUUID();
          for (let r = 0; r < REQUESTS; r++) {
            const status = await post(runId, r % 2 === 0 ? 10 : 100);
            if (r === 0 && status === 202 && ++accepted === PRODUCERS) {
              dropped = psql(database.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
            }
          }
        }),
      ),
    );
    await dropped;
    // After the drop every append finds no table: at least the last round of each producer.
    expect(withoutRetryAfter).toEqual([]);
    expect(Object.keys(statuses).sort(), JSON.stringify(statuses)).toEqual(['202', '503']);
    // The operator learns why from the log: the tail, which follows the log, cannot read it.
    const logged = await within(
      5_000,
      'a log line naming the missing table',
      server.logLine((line) => JSON.stringify(line).includes('42P01')),
    );
    expect(JSON.stringify(logged)).toMatch(/relation .*ironflow_\w+.* does not exist/);
  });
});
