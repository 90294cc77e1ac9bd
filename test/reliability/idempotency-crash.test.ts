import { randomBytes } from 'node:crypto';
import { adminUrl, freshDatabase, psql, within } from '@ironflow/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HarnessedServer, startHarnessedServer, WORKER_TOKEN } from './support/harness.js';

// Issue 13, point 4: a worker that retries a batch whose answer was lost stored it twice. Here
// an instance is SIGKILLed right after PostgreSQL committed a keyed append (the answer commits
// with it) and before the answer leaves; the worker retries on another instance.
const database = freshDatabase('ironflow_once');
const databaseUrl = database.url;
const RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';
const RUNS = 5;

/** The cursors of the stored events of `workflow`'s batch, ascending. */
async function storedCursors(workflow: string): Promise<string[]> {
  const epoch = (await psql(databaseUrl, 'SELECT epoch FROM ironflow_meta')).trim();
  const out = await psql(
    databaseUrl,
    `SELECT seq FROM ironflow_events WHERE json LIKE '%"workflow_name":"${workflow}-%' ORDER BY seq`,
  );
  return out
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((seq) => `${epoch}-${seq.padStart(16, '0')}`);
}

function ingest(url: string, body: string, key: string): Promise<Response> {
  return fetch(`${url}/api/v1/internal/events`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${WORKER_TOKEN}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body,
  });
}

const batchOf = (workflow: string) =>
  JSON.stringify(
    Array.from({ length: 10 }, (_, i) => ({
      type: 'run_created',
      run_id: RUN,
      workflow_name: `${workflow}-${i}`,
    })),
  );

describe.skipIf(adminUrl === '')('exactly once across a crash (built server, PostgreSQL)', () => {
  const servers: HarnessedServer[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const server = await startHarnessedServer({ DATABASE_URL: databaseUrl, ...env });
    servers.push(server);
    return server;
  };
  const killed = (server: HarnessedServer) =>
    new Promise<NodeJS.Signals | null>((resolve) => {
      if (server.child.exitCode !== null || server.child.signalCode !== null)
        resolve(server.child.signalCode);
      else server.child.once('exit', (_code, signal) => resolve(signal));
    });

  beforeAll(async () => {
    await database.create();
  });
  afterEach(() => {
    for (const server of servers.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  afterAll(async () => {
    await database.drop();
  });

  /** What the worker got from an ingest: the crash under test leaves it with no answer at all. */
  const answerOf = (url: string, body: string, key: string) =>
    ingest(url, body, key).then(
      (response) => `answered ${response.status}`,
      () => 'no answer',
    );

  it(`SIGKILL after the commit, before the answer (${RUNS} runs): the retry on another instance gets the first answer, one copy stored`, async () => {
    const other = await start();
    for (let run = 0; run < RUNS; run++) {
      const crashing = await start({ HARNESS_SIGKILL_AT: 'after-commit' });
      const workflow = `after-${run}`;
      const key = `batch-${workflow}-${randomBytes(4).toString('hex')}`;
      const body = batchOf(workflow);
      const lost = await answerOf(crashing.url, body, key);
      expect(lost).toBe('no answer');
      expect(await within(10_000, 'the crashed instance to exit', killed(crashing))).toBe('SIGKILL');
      const committed = await storedCursors(workflow);
      expect(committed).toHaveLength(10);

      const retry = await ingest(other.url, body, key);
      expect(retry.status).toBe(202);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await retry.json()).toEqual({
        data: { accepted: 10, first_id: committed[0], last_id: committed[9] },
        meta: null,
      });
      expect(await storedCursors(workflow)).toEqual(committed);
    }
  }, 120_000);

  it('SIGKILL before the commit: nothing stored, the key is free within 10 s, the retry appends once', async () => {
    const other = await start();
    const crashing = await start({ HARNESS_SIGKILL_AT: 'before-commit' });
    const workflow = 'before';
    const key = `batch-${workflow}-${randomBytes(4).toString('hex')}`;
    const body = batchOf(workflow);
    const lost = await answerOf(crashing.url, body, key);
    expect(lost).toBe('no answer');
    const diedAt = Date.now();
    expect(await within(10_000, 'the crashed instance to exit', killed(crashing))).toBe('SIGKILL');
    expect(await storedCursors(workflow)).toEqual([]);

    // Until the dead claim's lease runs out the key is in flight; then the retry runs, once.
    let retry: Response | undefined;
    for (let attempt = 0; attempt < 100 && retry === undefined; attempt++) {
      const response = await ingest(other.url, body, key);
      if (response.status === 409) {
        await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 200));
      } else retry = response;
    }
    expect(Date.now() - diedAt).toBeLessThan(12_000);
    expect(retry?.status).toBe(202);
    expect(retry?.headers.get('idempotent-replayed')).toBeNull();
    const stored = await storedCursors(workflow);
    expect(stored).toHaveLength(10);
    expect(await retry?.json()).toEqual({
      data: { accepted: 10, first_id: stored[0], last_id: stored[9] },
      meta: null,
    });
    const again = await ingest(other.url, body, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await storedCursors(workflow)).toEqual(stored);
  }, 60_000);
});
