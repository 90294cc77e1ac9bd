import { createTokenService } from '@ironflow/auth';
import { createMemoryEventLog, type EventLog, formatCursor } from '@ironflow/store';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { withAsynchronousLog } from './support/asynchronous-log.js';
import { ingestBulky, RUN_A, RUN_B, runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { JWT_SECRET, type TestServer, useTestServers } from './support/test-server.js';

const clients: { close(): void }[] = [];
const startServer = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

/** A test server with fast reconnects and a fast shared timer. */
function server(options?: Parameters<typeof startServer>[0]): Promise<TestServer> {
  return startServer({ ...options, stream: { retryMs: 50, tickMs: 50, ...options?.stream } });
}

async function stream(
  srv: TestServer,
  query = '',
  headers: Record<string, string> = {},
  token = srv.token({ isAdmin: true }),
) {
  const client = await SseClient.open(`${srv.url}/api/v1/events${query}`, {
    authorization: `Bearer ${token}`,
    ...headers,
  });
  clients.push(client);
  return client;
}

/** Appends `count` run_created events (alternating runs A and B) and returns their cursors. */
async function publish(srv: TestServer, count: number, prefix = 'e'): Promise<string[]> {
  const batch = Array.from({ length: count }, (_, i) =>
    runCreated(i % 2 === 0 ? RUN_A : RUN_B, `${prefix}${i}`),
  );
  const response = await srv.ingest(batch);
  expect(response.status).toBe(202);
  const stored = await srv.log.read({ afterSeq: srv.log.bounds().headSeq - count, limit: count });
  return stored.map((s) => s.cursor);
}

const cursorFor = (srv: TestServer, seq: number) => formatCursor(srv.log.epoch, seq);
const seqOf = (cursor: string | undefined) => Number(cursor?.split('-')[1]);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resume', () => {
  it('resumes an eventsource client with exactly the events missed while it was cut off', async () => {
    const srv = await server();
    const token = srv.token();
    const received: MessageEvent[] = [];
    let opens = 0;
    const es = new EventSource(`${srv.url}/api/v1/events`, {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...(init?.headers as object), authorization: `Bearer ${token}` },
        }),
    });
    clients.push(es);
    es.addEventListener('open', () => opens++);
    es.addEventListener('run_created', (event) => received.push(event));
    const probe = await stream(srv); // only used for its waitUntil
    await probe.waitUntil(() => opens === 1, 'the eventsource to open');

    await publish(srv, 3, 'before');
    await probe.waitUntil(() => received.length === 3, 'three events');

    srv.dropConnections();
    await probe.waitUntil(() => srv.ironflow.hub.inspect().connections === 0, 'every stream to drop');
    await publish(srv, 5, 'missed');
    await probe.waitUntil(
      () => received.length === 8 && opens === 2,
      'the missed events after the reconnect',
    );
    await publish(srv, 2, 'after');
    await probe.waitUntil(() => received.length === 10, 'live events after the seam');

    expect(received.map((event) => seqOf(event.lastEventId))).toEqual(range(1, 10));
    expect(received.map((event) => JSON.parse(event.data).workflow_name)).toEqual([
      'before0',
      'before1',
      'before2',
      'missed0',
      'missed1',
      'missed2',
      'missed3',
      'missed4',
      'after0',
      'after1',
    ]);
  });

  it('lets the Last-Event-ID header win over the last_event_id query parameter', async () => {
    const srv = await server();
    const cursors = await publish(srv, 6);
    const client = await stream(srv, `?last_event_id=${cursors[0]}`, {
      'last-event-id': cursors[3] as string,
    });
    await client.waitForMessages(2);
    await publish(srv, 1);
    await client.waitForMessages(3);
    expect(client.messages.map((m) => seqOf(m.id))).toEqual([5, 6, 7]);
  });

  it('resumes from the last_event_id query parameter on a first connection', async () => {
    const srv = await server();
    const cursors = await publish(srv, 4);
    const client = await stream(srv, `?last_event_id=${cursors[1]}`);
    await client.waitForMessages(2);
    expect(client.messages.map((m) => seqOf(m.id))).toEqual([3, 4]);
  });

  it('replays all retained history for last_event_id=earliest, without a gap', async () => {
    const srv = await server({ historyLimit: 5 });
    await publish(srv, 8);
    const client = await stream(srv, '?last_event_id=earliest');
    await client.waitForMessages(5);
    await publish(srv, 1);
    await client.waitForMessages(6);
    expect(client.messages.map((m) => m.event)).not.toContain('gap');
    expect(client.messages.map((m) => seqOf(m.id))).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('resumes with filters: only the matching events after the cursor', async () => {
    const srv = await server();
    const cursors = await publish(srv, 10);
    const client = await stream(srv, `?run_id=${RUN_B}&types=run_created`, {
      'last-event-id': cursors[4] as string,
    });
    await client.waitForMessages(3);
    await publish(srv, 2, 'live');
    await client.waitForMessages(4);
    expect(client.messages.map((m) => seqOf(m.id))).toEqual([6, 8, 10, 12]);
  });

  it('sends a gap, then everything retained, when the cursor was evicted', async () => {
    const srv = await server({ historyLimit: 5 });
    await publish(srv, 12);
    const client = await stream(srv, '', { 'last-event-id': cursorFor(srv, 2) });
    await client.waitForMessages(6);
    expect(client.messages[0]).toEqual({
      id: undefined,
      event: 'gap',
      data: JSON.stringify({ type: 'gap', requested: cursorFor(srv, 2), resumed_after: cursorFor(srv, 7) }),
    });
    expect(client.messages.slice(1).map((m) => seqOf(m.id))).toEqual([8, 9, 10, 11, 12]);
  });

  it('sends a gap with resumed_after null for a cursor from before an in-memory restart', async () => {
    const before = await server();
    const [oldCursor] = await publish(before, 1);
    const after = await server();
    await publish(after, 3);
    const client = await stream(after, `?last_event_id=${oldCursor}`);
    await client.waitForMessages(4);
    expect(JSON.parse(client.messages[0]?.data ?? '')).toEqual({
      type: 'gap',
      requested: oldCursor,
      resumed_after: null,
    });
    expect(client.messages.slice(1).map((m) => seqOf(m.id))).toEqual([1, 2, 3]);
  });

  it('treats a cursor ahead of the log as now, with a gap', async () => {
    const srv = await server();
    const cursors = await publish(srv, 2);
    const ahead = (cursors[1] as string).replace(/\d{16}$/, '0000000000000099');
    const client = await stream(srv, '', { 'last-event-id': ahead });
    await client.waitForMessages(1);
    expect(JSON.parse(client.messages[0]?.data ?? '')).toEqual({
      type: 'gap',
      requested: ahead,
      resumed_after: cursors[1],
    });
    await publish(srv, 1);
    await client.waitForMessages(2);
    expect(seqOf(client.messages[1]?.id)).toBe(3);
  });

  it('lets a slow client closed by the bound reconnect with its cursor and end with every event', async () => {
    const srv = await server({ stream: { maxBufferedBytes: 64 * 1024 } });
    const slow = await stream(srv);
    slow.pause();
    const total = 1500;
    await ingestBulky(srv, total);
    await slow.waitUntil(() => srv.ironflow.hub.inspect().connections === 0, 'the slow stream to be closed');
    slow.resume();
    await slow.waitForEnd();
    const firstPart = slow.messages.map((m) => seqOf(m.id));
    const lastId = slow.messages.at(-1)?.id;
    const again = await stream(
      srv,
      '',
      lastId ? { 'last-event-id': lastId } : { 'last-event-id': 'earliest' },
    );
    await again.waitForMessages(total - firstPart.length, 15_000);
    const all = [...firstPart, ...again.messages.map((m) => seqOf(m.id))];
    expect(all).toEqual(range(1, total));
  });
});

describe('resume across instances', () => {
  it('resumes exactly a cursor the log holds but this instance has not been told of yet', async () => {
    const inner = createMemoryEventLog();
    let lag = 0;
    // Another instance appended: the table holds the events, this instance's bounds lag behind.
    const lagging: EventLog = {
      get epoch() {
        return inner.epoch;
      },
      append: (inputs) => inner.append(inputs),
      bounds: () => ({ ...inner.bounds(), headSeq: inner.bounds().headSeq - lag }),
      read: (options) => inner.read(options),
      readBefore: (options) => inner.readBefore(options),
      readLogLines: (query) => inner.readLogLines(query),
      readPage: (query) => inner.readPage(query),
      subscribe: (listener) => inner.subscribe(listener),
      tailStatus: () => inner.tailStatus(),
      ping: () => inner.ping(),
      prune: () => inner.prune(),
      close: () => inner.close(),
    };
    const srv = await server({ log: lagging });
    await publish(srv, 5);
    lag = 2;
    const client = await stream(srv, '', { 'last-event-id': cursorFor(srv, 4) });
    await client.waitForMessages(1);
    lag = 0;
    await publish(srv, 1);
    await client.waitForMessages(2);
    expect(client.messages.map((m) => m.event)).not.toContain('gap');
    expect(client.messages.map((m) => seqOf(m.id))).toEqual([5, 6]);
  });

  it('still treats a cursor beyond everything the log holds as now, with a gap', async () => {
    const srv = await server();
    await publish(srv, 2);
    const client = await stream(srv, '', { 'last-event-id': cursorFor(srv, 7) });
    await client.waitForMessages(1);
    expect(JSON.parse(client.messages[0]?.data ?? '')).toEqual({
      type: 'gap',
      requested: cursorFor(srv, 7),
      resumed_after: cursorFor(srv, 2),
    });
  });
});

describe.each([
  ['an in-memory log', () => createMemoryEventLog()],
  ['a log with asynchronous reads', () => withAsynchronousLog(createMemoryEventLog(), false)],
  ['a log with asynchronous reads and tail', () => withAsynchronousLog(createMemoryEventLog(), true)],
])('the live seam with %s', (_name, makeLog) => {
  it('gives every client a gap-free, duplicate-free, increasing sequence while appends continue', async () => {
    for (let iteration = 0; iteration < 5; iteration++) {
      const srv = await server({ log: makeLog(), stream: { maxBufferedBytes: 8 * 1024 * 1024 } });
      const total = 1500;
      const joined: { client: SseClient; afterSeq: number | null; runId: string | null }[] = [];
      let appended = 0;
      // Appends straight into the log from another task, as fast as the event loop allows.
      const writer = (async () => {
        while (appended < total) {
          const size = Math.min(total - appended, 1 + ((appended * 7) % 23));
          await srv.log.append(
            Array.from({ length: size }, (_, i) =>
              runCreated(i % 2 === 0 ? RUN_A : RUN_B, `w${appended + i}`),
            ),
          );
          appended += size;
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const readers = (async () => {
        for (let i = 0; i < 24; i++) {
          const head = srv.log.bounds().headSeq;
          const mode = i % 4;
          const depth = (i * 37) % (head + 1);
          const runId = i % 3 === 0 ? RUN_B : null;
          const query = runId ? `?run_id=${runId}` : '';
          if (mode === 0) {
            joined.push({ client: await stream(srv, query), afterSeq: null, runId });
          } else if (mode === 1) {
            joined.push({
              client: await stream(srv, `${query}${query ? '&' : '?'}last_event_id=earliest`),
              afterSeq: 0,
              runId,
            });
          } else {
            const afterSeq = Math.max(0, head - depth);
            const cursor = afterSeq === 0 ? 'earliest' : cursorFor(srv, afterSeq);
            joined.push({ client: await stream(srv, query, { 'last-event-id': cursor }), afterSeq, runId });
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await Promise.all([writer, readers]);
      const log = await srv.log.read({ afterSeq: 0, limit: total });
      for (const { client, afterSeq, runId } of joined) {
        const expectedAll = log.filter(
          (s) => runId === null || (s.event as { run_id?: string }).run_id === runId,
        );
        const lastSeq = expectedAll.at(-1)?.seq ?? 0;
        await client.waitUntil(
          () => seqOf(client.messages.at(-1)?.id) === lastSeq,
          `the last event (${lastSeq})`,
          15_000,
        );
        const got = client.messages.map((m) => seqOf(m.id));
        const from = afterSeq ?? (got[0] ?? 1) - 1;
        const expected = expectedAll.filter((s) => s.seq > from).map((s) => s.seq);
        expect(got, `iteration ${iteration}, afterSeq ${afterSeq}, run ${runId}`).toEqual(expected);
        client.close();
      }
    }
  });
});

describe('stream limits', () => {
  it('ends a stream when its token expires', async () => {
    const srv = await server();
    const shortLived = createTokenService({ secret: JWT_SECRET, accessTtlSeconds: 1 });
    const token = shortLived.mintAccess({ userId: crypto.randomUUID(), username: 'brief', isAdmin: false });
    const client = await stream(srv, '', {}, token);
    expect(client.status).toBe(200);
    await client.waitForEnd(4_000);
    expect(client.raw).toContain(': credentials expired\n\n');
    await client.waitUntil(() => srv.ironflow.hub.inspect().connections === 0, 'the stream to be released');
  });

  it('answers 429 TOO_MANY_STREAMS past the per-user limit, per user', async () => {
    const srv = await server({ stream: { maxStreamsPerUser: 2 } });
    const userId = crypto.randomUUID();
    const token = srv.token({ userId });
    const first = await stream(srv, '', {}, token);
    await stream(srv, '', {}, token);
    const third = await fetch(`${srv.url}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_STREAMS');
    const otherUser = await stream(srv);
    expect(otherUser.status).toBe(200);
    first.close();
    await first.waitUntil(() => srv.ironflow.hub.inspect().connections === 2, 'the first stream to close');
    expect((await stream(srv, '', {}, token)).status).toBe(200);
  });

  it('answers 503 past the global stream limit', async () => {
    const srv = await server({ stream: { maxStreams: 2 } });
    await stream(srv);
    await stream(srv);
    const third = await fetch(`${srv.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${srv.token()}` },
    });
    expect(third.status).toBe(503);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
  });
});
