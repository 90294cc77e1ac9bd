import { randomUUID } from 'node:crypto';
import { adminUrl, freshDatabase, within } from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { runCli, type ServerProcess, serversKilledAfterEach } from './support/built.js';
import { type SseMessage, takeSseMessages } from './support/sse-messages.js';

// Two built server processes on one fresh PostgreSQL database (created here, dropped after).
const database = freshDatabase('ironflow_test');
if (adminUrl === '') {
  console.warn(
    '[@ironflow/server] IRONFLOW_TEST_DATABASE_URL is unset: the multi-instance tests are skipped.',
  );
}

/** Reads SSE messages off a response body; `until` waits (bounded) for a condition on them. */
function sseReader(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const messages: SseMessage[] = [];
  let buffer = '';
  let ended = false;
  const pump = async (): Promise<void> => {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      return;
    }
    const taken = takeSseMessages(buffer + decoder.decode(value, { stream: true }));
    messages.push(...taken.messages);
    buffer = taken.rest;
  };
  return {
    messages,
    /** Reads until `count` messages arrived; resolves false if the stream ended or broke first. */
    async until(count: number, what: string): Promise<boolean> {
      return within(
        15_000,
        what,
        (async () => {
          try {
            while (messages.length < count && !ended) await pump();
          } catch {
            return false; // the server went away mid-stream
          }
          return messages.length >= count;
        })(),
      );
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

describe.skipIf(adminUrl === '')('two server instances on one PostgreSQL database', () => {
  const spawnBuilt = serversKilledAfterEach();
  let databaseUrl = '';
  let token = '';

  beforeAll(async () => {
    await database.create();
    databaseUrl = database.url;
    token = (await runCli(['token', '--user', 'alice', '--admin'])).stdout.trim();
  });
  afterAll(async () => {
    await database.drop();
  });

  async function startInstance(): Promise<{ url: string; server: ServerProcess }> {
    const server = spawnBuilt({ PORT: '0', DATABASE_URL: databaseUrl });
    const line = await within(
      15_000,
      `"ironflow listening" (stderr: ${server.stderr()})`,
      server.logLine((l) => l.msg === 'ironflow listening'),
    );
    return { url: line.url as string, server };
  }

  const stream = (url: string, query: string, lastEventId?: string) =>
    fetch(`${url}/api/v1/events?${query}`, {
      headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    });

  async function publish(url: string, events: unknown[]): Promise<void> {
    const response = await fetch(`${url}/api/v1/internal/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(response.status).toBe(202);
  }

  const line = (runId: string, index: number) => ({
    type: 'log_line',
    id: randomUUID(),
    run_id: runId,
    step_id: randomUUID(),
    step_name: 'build',
    stream: 'stdout',
    line: String(index),
  });
  const linesOf = (messages: SseMessage[]) =>
    messages.map((message) => Number(JSON.parse(message.data).line));
  const range = (count: number) => Array.from({ length: count }, (_, index) => index);

  it('streams on A, in order and once, the events ingested through B', async () => {
    // The instances migrate the same fresh database at the same time.
    const [a, b] = await Promise.all([startInstance(), startInstance()]);
    const runId = randomUUID();
    const response = await stream(a.url, `run_id=${runId}`);
    expect(response.status).toBe(200);
    const client = sseReader(response);
    for (let batch = 0; batch < 10; batch += 1) {
      await publish(
        b.url,
        range(10).map((n) => line(runId, batch * 10 + n)),
      );
    }
    expect(await client.until(100, '100 events on A')).toBe(true);
    expect(linesOf(client.messages)).toEqual(range(100));
    const ids = client.messages.map((message) => message.id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(100);
    await client.cancel();
  });

  it('lets a client cut from a killed A resume on B with its Last-Event-ID: every event, none twice', async () => {
    const [a, b] = await Promise.all([startInstance(), startInstance()]);
    const runId = randomUUID();
    const total = 300;
    const first = sseReader(await stream(a.url, `run_id=${runId}`));
    let published = 0;
    const publishing = (async () => {
      for (; published < total; published += 5) {
        await publish(
          b.url,
          range(5).map((n) => line(runId, published + n)),
        );
      }
    })();
    expect(await first.until(50, '50 events on A before the kill')).toBe(true);
    a.server.child.kill('SIGKILL');
    await within(10_000, 'A to die', a.server.exited);
    await first.until(Number.POSITIVE_INFINITY, 'the stream from A to break');
    const seen = first.messages.slice();
    expect(seen.length).toBeGreaterThanOrEqual(50);
    expect(published).toBeLessThan(total); // A died mid-stream

    const lastId = (seen.at(-1) as SseMessage).id;
    const second = sseReader(await stream(b.url, `run_id=${runId}`, lastId));
    await publishing;
    expect(await second.until(total - seen.length, 'the rest on B')).toBe(true);
    const all = [...seen, ...second.messages];
    expect(all.some((message) => message.event === 'gap')).toBe(false);
    expect(linesOf(all)).toEqual(range(total));
    expect(new Set(all.map((message) => message.id)).size).toBe(total);
    await second.cancel();
  });
});
