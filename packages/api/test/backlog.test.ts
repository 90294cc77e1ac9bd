import { exampleEvents } from '@ironflow/engine';
import { createMemoryEventLog, type EventLog, formatCursor } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { withAsynchronousLog } from './support/asynchronous-log.js';
import { RUN_A, RUN_B, runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { type TestServer, useTestServers } from './support/test-server.js';

const clients: { close(): void }[] = [];
const startServer = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

async function stream(
  srv: TestServer,
  query: string,
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

const seqOf = (cursor: string | undefined) => Number(cursor?.split('-')[1]);
const seqs = (client: SseClient) => client.messages.map((message) => seqOf(message.id));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Appends `count` run_created events, alternating runs A and B (odd seqs A when starting empty). */
async function publish(srv: TestServer, count: number) {
  const response = await srv.ingest(
    Array.from({ length: count }, (_, i) => runCreated(i % 2 === 0 ? RUN_A : RUN_B, `e${i}`)),
  );
  expect(response.status).toBe(202);
}

describe('backlog on the stream', () => {
  it('starts with the newest N events, oldest first, then continues live', async () => {
    const srv = await startServer();
    await publish(srv, 10);
    const client = await stream(srv, '?backlog=3');
    await client.waitForMessages(3);
    expect(seqs(client)).toEqual([8, 9, 10]);
    await publish(srv, 2);
    await client.waitForMessages(5);
    expect(seqs(client)).toEqual([8, 9, 10, 11, 12]);
  });

  it('applies the filters before counting, and gives everything when fewer exist', async () => {
    const srv = await startServer();
    await publish(srv, 10);
    const ofB = await stream(srv, `?run_id=${RUN_B}&backlog=2`);
    const typed = await stream(srv, `?run_id=${RUN_A}&types=run_created,log_line&backlog=100`);
    await ofB.waitForMessages(2);
    await typed.waitForMessages(5);
    expect(seqs(ofB)).toEqual([8, 10]);
    expect(seqs(typed)).toEqual([1, 3, 5, 7, 9]);
    const none = await stream(srv, '?types=step_failed&backlog=50');
    await publish(srv, 1);
    await srv.ingest({ ...exampleEvents.step_failed, run_id: RUN_A });
    await none.waitForMessages(1);
    expect(seqs(none)).toEqual([12]);
  });

  it("counts only what the user may see: others' user_* events are neither sent nor counted", async () => {
    const srv = await startServer();
    const me = '0193a1f2-7c4e-7b21-9d3a-00000000aaaa';
    const signIn = (userId: string) => ({ ...exampleEvents.user_signed_in, user_id: userId });
    await srv.ingest([runCreated(RUN_A), signIn(me), runCreated(RUN_A)]);
    await srv.ingest(Array.from({ length: 20 }, () => signIn('0193a1f2-7c4e-7b21-9d3a-00000000bbbb')));
    const mine = await stream(srv, '?backlog=3', {}, srv.token({ userId: me, isAdmin: false }));
    await mine.waitForMessages(3);
    expect(seqs(mine)).toEqual([1, 2, 3]);
    const admin = await stream(srv, '?backlog=3');
    await admin.waitForMessages(3);
    expect(seqs(admin)).toEqual([21, 22, 23]);
  });

  it('sends live events only for backlog=0, and is ignored when a cursor is given', async () => {
    const srv = await startServer();
    await publish(srv, 6);
    const zero = await stream(srv, '?backlog=0');
    const byHeader = await stream(srv, '?backlog=5', { 'last-event-id': formatCursor(srv.log.epoch, 4) });
    const byQuery = await stream(srv, `?backlog=5&last_event_id=${formatCursor(srv.log.epoch, 5)}`);
    const earliest = await stream(srv, '?backlog=1&last_event_id=earliest');
    await publish(srv, 1);
    await zero.waitForMessages(1);
    await byHeader.waitForMessages(3);
    await byQuery.waitForMessages(2);
    await earliest.waitForMessages(7);
    expect(seqs(zero)).toEqual([7]);
    expect(seqs(byHeader)).toEqual([5, 6, 7]);
    expect(seqs(byQuery)).toEqual([6, 7]);
    expect(seqs(earliest)).toEqual(range(1, 7));
  });

  it('answers 400 naming a bad backlog', async () => {
    const srv = await startServer();
    for (const value of ['-1', '10001', 'ten', '1.5', '1e3']) {
      const response = await fetch(`${srv.url}/api/v1/events?backlog=${value}`, {
        headers: { authorization: `Bearer ${srv.token()}` },
      });
      expect(response.status, value).toBe(400);
      expect((await response.json()).error).toEqual({
        code: 'BAD_REQUEST',
        message: `invalid backlog: ${value} (an integer from 0 to 10000)`,
      });
    }
    const twice = await fetch(`${srv.url}/api/v1/events?backlog=1&backlog=2`, {
      headers: { authorization: `Bearer ${srv.token()}` },
    });
    expect((await twice.json()).error.message).toBe('backlog may be given only once');
  });

  it('costs what it sends, not the size of the log', async () => {
    const inner = createMemoryEventLog();
    let eventsRead = 0;
    const counted =
      <A>(read: (argument: A) => Promise<unknown[]>) =>
      async (argument: A) => {
        const events = await read(argument);
        eventsRead += events.length;
        return events;
      };
    const log: EventLog = {
      ...inner,
      epoch: inner.epoch,
      append: (inputs) => inner.append(inputs),
      bounds: () => inner.bounds(),
      subscribe: (listener) => inner.subscribe(listener),
      read: counted((options) => inner.read(options)) as EventLog['read'],
      readBefore: counted((options) => inner.readBefore(options)) as EventLog['readBefore'],
    };
    const srv = await startServer({ log });
    for (let batch = 0; batch < 50; batch += 1) await publish(srv, 1000);
    await srv.ingest({ ...exampleEvents.step_failed, run_id: RUN_A });
    eventsRead = 0;
    const client = await stream(srv, '?types=step_failed,run_created&backlog=10');
    await client.waitForMessages(10);
    const rare = await stream(srv, '?types=step_failed&backlog=10');
    await rare.waitForMessages(1);
    expect(seqs(rare)).toEqual([50_001]);
    // 10 + 1 found backwards, the same again read forwards by the replay.
    expect(eventsRead).toBeLessThanOrEqual(4 * 11);
  });
});

describe.each([
  ['an in-memory log', () => createMemoryEventLog()],
  ['a log with asynchronous reads', () => withAsynchronousLog(createMemoryEventLog(), false)],
  ['a log with asynchronous reads and tail', () => withAsynchronousLog(createMemoryEventLog(), true)],
])('the backlog seam with %s', (_name, makeLog) => {
  it('gives every client its backlog, then every later event once, while appends continue', async () => {
    for (let iteration = 0; iteration < 3; iteration++) {
      const srv = await startServer({ log: makeLog(), stream: { maxBufferedBytes: 8 * 1024 * 1024 } });
      const total = 1500;
      let appended = 0;
      const writer = (async () => {
        while (appended < total) {
          const size = Math.min(total - appended, 1 + ((appended * 7) % 23));
          await srv.log.append(
            Array.from({ length: size }, (_, i) =>
              runCreated(i % 3 === 0 ? RUN_A : RUN_B, `w${appended + i}`),
            ),
          );
          appended += size;
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const joined: {
        client: SseClient;
        backlog: number;
        runId: string | null;
        headBefore: number;
        headAfter: number;
      }[] = [];
      const readers = (async () => {
        for (let i = 0; i < 16; i++) {
          const backlog = [1, 5, 50, 400][i % 4] as number;
          const runId = i % 3 === 0 ? RUN_A : null;
          const headBefore = srv.log.bounds().headSeq;
          const client = await stream(srv, `?${runId ? `run_id=${runId}&` : ''}backlog=${backlog}`);
          joined.push({ client, backlog, runId, headBefore, headAfter: srv.log.bounds().headSeq });
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await Promise.all([writer, readers]);
      const log = await srv.log.read({ afterSeq: 0, limit: total });
      for (const { client, backlog, runId, headBefore, headAfter } of joined) {
        const matching = log.filter(
          (s) => runId === null || (s.event as { run_id?: string }).run_id === runId,
        );
        const lastSeq = matching.at(-1)?.seq ?? 0;
        await client.waitUntil(
          () => seqOf(client.messages.at(-1)?.id) === lastSeq,
          `the last event (${lastSeq})`,
          15_000,
        );
        const got = seqs(client);
        const first = got[0] as number;
        const what = `iteration ${iteration}, backlog ${backlog}, run ${runId}`;
        // No gap, no duplicate: every matching event from the first one sent on.
        expect(got, what).toEqual(matching.filter((s) => s.seq >= first).map((s) => s.seq));
        // The first one sent is the oldest of the newest `backlog` at some head between the two reads.
        const upTo = (head: number) => matching.filter((s) => s.seq >= first && s.seq <= head).length;
        expect(upTo(headBefore), what).toBeLessThanOrEqual(backlog);
        const olderExist = matching.some((s) => s.seq < first);
        if (olderExist) expect(upTo(headAfter), what).toBeGreaterThanOrEqual(backlog);
        client.close();
      }
    }
  });
});
