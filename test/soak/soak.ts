// The soak: many subscribers with random filters, random disconnects that resume with their cursor
// (Last-Event-ID), a few stalled readers that the slow-client bound closes, several publishers. At the
// end every subscriber's sequence must equal the log's matching sequence (no loss, no duplicate, in
// order) and the server's heap after GC must be back within 10 % of where it started.
//
//   pnpm soak --duration 240 --subscribers 2000 [--publishers 4] [--slow 10] [--pause 15] [--seed 1]
//             [--slow-bulk 64]
//
// The server is the built one (apps/server/dist) in a child process with --expose-gc; its log is
// pre-filled to EVENT_HISTORY_LIMIT first, and filled again with the same events once every stream
// is closed, so it holds the same events at both heap measurements.
//
// The stalled readers are closed whatever the machine's load: they stall together in rounds, and
// during a round a bulk publisher posts 32 KiB events until the server's slow-close count says it
// closed them (what the publishers post alone, a few MB, the loopback socket buffers of a paused
// reader can absorb entirely). A paused client cannot see its own close (it reads nothing, not even
// the end), hence the server's count. The bulk events are `user_signed_in` of a user only the
// stalled readers sign in as: `user_*` events go only to the user they concern, so the other
// subscribers never receive them (a run filter would not keep them from the unfiltered ones).
//
// Fault mode (fault-soak.ts), PostgreSQL through a TCP fault proxy (IRONFLOW_TEST_DATABASE_URL):
//
//   pnpm soak --faults --duration 120 [--instances 2] [--subscribers 200] [--drop-every 3] [--kill-every 20]
import { within } from '@ironflow/test-support';
import { type HarnessedServer, startHarnessedServer } from '../reliability/support/harness.js';
import { accessToken } from './access-token.js';
import { tallyDeliveries } from './delivery-tally.js';
import { ingest, metric, rssOf, socketBufferBound } from './server-probes.js';
import { Subscriber, seqOf } from './soak-subscriber.js';
import {
  BULK_BATCH,
  BULK_EVENT_CHARS,
  BULK_USER,
  bulkEvent,
  event,
  KINDS,
  type Kind,
  type Published,
  RUNS,
  random,
} from './soak-traffic.js';

export interface SoakOptions {
  readonly durationMs: number;
  readonly subscribers: number;
  readonly publishers: number;
  readonly slowReaders: number;
  readonly seed: number;
  /** Mean pause of each publisher between batches, in ms (randomised ±50 %). @default 15 */
  readonly pauseMs?: number;
  /** Events kept by the in-memory log; pre-filled before the baseline. @default 20000 */
  readonly historyLimit?: number;
  /**
   * The most bytes of bulk events posted to close stalled readers; once spent, they stall no more.
   * A round takes what the kernel buffers of a paused loopback reader hold, a few MiB.
   * @default 64 MiB
   */
  readonly slowBulkBytes?: number;
  readonly log?: (line: string) => void;
}

export interface SoakReport {
  readonly subscribers: number;
  readonly durationMs: number;
  readonly eventsPublished: number;
  /** Of eventsPublished, the 32 KiB events posted while a reader was stalled. */
  readonly bulkEvents: number;
  /** Rounds in which the stalled readers stopped reading together. */
  readonly stallRounds: number;
  readonly deliveries: number;
  readonly reconnects: number;
  readonly slowCloses: number;
  readonly gaps: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly outOfOrder: number;
  readonly mismatchedSubscribers: number;
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly rssBefore: number;
  readonly rssPeak: number;
  readonly rssAfter: number;
}

const SLOW_CLOSES = /^ironflow_sse_streams_closed_total\{reason="slow"\} (\d+)/m;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const say = options.log ?? (() => {});
  const rand = random(options.seed);
  const historyLimit = options.historyLimit ?? 20_000;
  const pauseMs = options.pauseMs ?? 15;
  const slowBulkBytes = options.slowBulkBytes ?? 64 * 2 ** 20;
  const server: HarnessedServer = await startHarnessedServer({
    EVENT_HISTORY_LIMIT: String(historyLimit),
    // Never the binding bound: the retained events are at most historyLimit events of under 2 KiB
    // and the bulk (its budget plus one batch), so only the count evicts, and a soak that publishes
    // fewer events than the limit can evict none of its own.
    EVENT_HISTORY_BYTES: String(historyLimit * 2048 + 2 * slowBulkBytes + 2 ** 20),
    SSE_MAX_BUFFERED_BYTES: '65536',
    SSE_MAX_STREAMS_PER_USER: '100000',
    SSE_KEEPALIVE_SECS: '5',
  });
  const { url } = server;
  const pid = server.child.pid;
  // The log filled to its limit with the same events before the baseline and after the soak, so
  // both heap measurements see the same log (the soak's bulk events would otherwise count as growth).
  const fill = async () => {
    let last = '';
    for (let n = 0; n < historyLimit; n += 500) {
      const batch = Array.from({ length: Math.min(500, historyLimit - n) }, (_, i) =>
        event(KINDS[(n + i) % KINDS.length] as Kind, RUNS[(n + i) % RUNS.length] as string, n + i),
      );
      last = (await ingest(url, batch)).last;
    }
    return last;
  };
  try {
    say(`pre-filling the log with ${historyLimit} events`);
    const head = await fill();
    const epoch = head.slice(0, head.lastIndexOf('-'));
    const before = await server.memory();
    say(
      `baseline heap ${(before.heapUsed / 2 ** 20).toFixed(1)} MiB, RSS ${(before.rss / 2 ** 20).toFixed(1)} MiB`,
    );

    const users = Array.from({ length: Math.max(1, Math.ceil(options.subscribers / 20)) }, (_, i) => {
      const id = `0193a1f2-0000-7000-8000-${String(i).padStart(12, '0')}`;
      return { id, token: accessToken(id) };
    });
    const bulkToken = accessToken(BULK_USER);
    const subscribers: Subscriber[] = [];
    // Stalled readers: the first unfiltered ones; they stop reading until the server closes them,
    // then come back. They sign in as the bulk user, so they alone receive the bulk events.
    const slow: Subscriber[] = [];
    for (let i = 0; i < options.subscribers; i++) {
      const r = rand();
      const runId = r < 0.5 ? (RUNS[Math.floor(rand() * RUNS.length)] as string) : null;
      const kinds = rand() < 0.5 ? KINDS.filter(() => rand() < 0.5) : null;
      const stalls = runId === null && kinds === null && slow.length < options.slowReaders;
      const user = users[i % users.length] as { id: string; token: string };
      const subscriber = new Subscriber(
        url,
        stalls ? BULK_USER : user.id,
        stalls ? bulkToken : user.token,
        runId,
        kinds !== null && kinds.length === 0 ? ['log_line'] : kinds,
        epoch,
        seqOf(head),
      );
      subscriber.slow = stalls;
      if (stalls) slow.push(subscriber);
      subscribers.push(subscriber);
    }
    for (let i = 0; i < subscribers.length; i += 50)
      await Promise.all(subscribers.slice(i, i + 50).map((s) => s.connect()));
    say(`${subscribers.length} subscribers connected, ${slow.length} of them stalling`);

    const published: Published[] = [];
    const bulk = { bytes: 0, lastSeq: 0, events: 0, rounds: 0 };
    const bufferBound = socketBufferBound();
    const deadline = Date.now() + options.durationMs;
    let peakRss = rssOf(pid);
    const publisher = async (p: number) => {
      let n = 0;
      while (Date.now() < deadline) {
        const batch = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => ({
          kind: KINDS[Math.floor(rand() * KINDS.length)] as Kind,
          runId: RUNS[Math.floor(rand() * RUNS.length)] as string,
        }));
        const { first } = await ingest(
          url,
          batch.map((b) => event(b.kind, b.runId, p * 1e9 + n++)),
        );
        batch.forEach((b, i) => {
          const seq = seqOf(first) + i;
          published.push({ seq, kind: b.kind, runId: b.runId, userId: null });
        });
        // Pacing, so publishers leave CPU to the fan-out.
        await new Promise((r) => setTimeout(r, pauseMs * (0.5 + rand())));
      }
    };
    const slowCloseCount = () => metric(url, SLOW_CLOSES);
    const postBulk = async () => {
      const { first } = await ingest(
        url,
        Array.from({ length: BULK_BATCH }, () => bulkEvent(bulk.events++)),
      );
      for (let i = 0; i < BULK_BATCH; i++)
        published.push({ seq: seqOf(first) + i, kind: 'user_signed_in', runId: null, userId: BULK_USER });
      bulk.bytes += BULK_BATCH * BULK_EVENT_CHARS;
      bulk.lastSeq = seqOf(first) + BULK_BATCH - 1;
    };
    // Stall rounds. A stalled reader, once closed by the server and back, reads for 2 s and until
    // it holds the last bulk event (so it is live, past its replay: a replay waits for its reader
    // and the bound does not apply) before the next round; stalling for good would only push its
    // cursor out of the retained log. A round posts bulk events until the slow closes have grown
    // by as many as stall, or, at most, past all the kernel can buffer for one connection and a
    // flush more (which closes every one of them); then the readers resume, read what was buffered to the server's
    // end and reconnect with their cursor.
    const staller = async () => {
      while (slow.length > 0 && Date.now() < deadline && bulk.bytes < slowBulkBytes) {
        const ready = slow.every(
          (s) =>
            s.reader !== undefined &&
            !s.reader.ended &&
            Date.now() - s.connectedAt > 2_000 &&
            (s.received.at(-1) ?? 0) >= bulk.lastSeq,
        );
        if (!ready) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        const closedBefore = await slowCloseCount();
        for (const s of slow) s.reader?.pause();
        const roundStart = bulk.bytes;
        while (
          Date.now() < deadline &&
          bulk.bytes < slowBulkBytes &&
          bulk.bytes - roundStart <= bufferBound + 2 ** 20 &&
          (await slowCloseCount()) < closedBefore + slow.length
        )
          await postBulk();
        for (const s of slow) s.reader?.resume();
        bulk.rounds++;
      }
    };
    const chaos = async () => {
      while (Date.now() < deadline) {
        // Random disconnects: a few subscribers drop every 100 ms and resume with their cursor.
        for (let k = 0; k < Math.max(1, Math.floor(options.subscribers / 100)); k++) {
          const s = subscribers[Math.floor(rand() * subscribers.length)] as Subscriber;
          if (!s.slow) s.drop();
        }
        peakRss = Math.max(peakRss, rssOf(pid));
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await Promise.all([
      ...Array.from({ length: options.publishers }, (_, p) => publisher(p)),
      staller(),
      chaos(),
    ]);
    say(
      `published ${published.length} events (${bulk.events} bulk, ${(bulk.bytes / 2 ** 20).toFixed(1)} MiB in ${bulk.rounds} stall rounds); settling`,
    );

    // Stop the chaos, let stalled readers read, and wait (bounded) until every subscriber holds the
    // last event that matches it.
    for (const s of slow) s.reader?.resume();
    published.sort((a, b) => a.seq - b.seq);
    const expected = subscribers.map((s) => published.filter((p) => s.matches(p)).map((p) => p.seq));
    await within(
      120_000,
      'every subscriber to catch up',
      (async () => {
        for (let i = 0; i < subscribers.length; i++) {
          const s = subscribers[i] as Subscriber;
          const last = expected[i]?.at(-1);
          if (last === undefined) continue;
          while (s.received.at(-1) !== last && !s.received.includes(last)) {
            s.reader?.resume();
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      })(),
    );
    peakRss = Math.max(peakRss, rssOf(pid));

    const { deliveries, lost, duplicated, outOfOrder, mismatched } = tallyDeliveries(
      expected,
      subscribers.map((s) => s.received),
    );
    const reconnects = subscribers.reduce((sum, s) => sum + s.connects - 1, 0);
    const gaps = subscribers.reduce((sum, s) => sum + s.gaps + s.foreignEpoch, 0);
    const slowCloses = await slowCloseCount();

    for (const s of subscribers) {
      s.stopped = true;
      s.reader?.close();
    }
    await within(
      60_000,
      'every stream to close on the server',
      (async () => {
        while ((await metric(url, /^ironflow_sse_connections (\d+)/m)) !== 0)
          await new Promise((r) => setTimeout(r, 50));
      })(),
    );
    await fill();
    const after = await server.memory();
    say(
      `heap after GC ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB, RSS ${(after.rss / 2 ** 20).toFixed(1)} MiB`,
    );
    return {
      subscribers: subscribers.length,
      durationMs: options.durationMs,
      eventsPublished: published.length,
      bulkEvents: bulk.events,
      stallRounds: bulk.rounds,
      deliveries,
      reconnects,
      slowCloses,
      gaps,
      lost,
      duplicated,
      outOfOrder,
      mismatchedSubscribers: mismatched,
      heapBefore: before.heapUsed,
      heapAfter: after.heapUsed,
      rssBefore: before.rss,
      rssPeak: peakRss,
      rssAfter: after.rss,
    };
  } finally {
    await server.close().catch(() => server.child.kill('SIGKILL'));
  }
}
