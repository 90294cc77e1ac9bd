import type pg from 'pg';
import type { EventLogListener, StoredEvent, TailStatus } from '../event-log.js';
import { createTail, type ListenerErrorHandler } from '../memory/tail.js';
import { selectTailPage, storedFromRow } from './event-queries.js';
import type { SchemaNames } from './names.js';

/** Delays between attempts to reopen the LISTEN connection or to retry a failed catch-up. */
export interface ReconnectOptions {
  /** @default 100 */
  minDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
}

export interface LogTailOptions {
  readonly pool: pg.Pool;
  readonly names: SchemaNames;
  readonly epoch: string;
  /** Rows read per query while catching up. */
  readonly pageSize: number;
  readonly reconnect: Required<ReconnectOptions>;
  /** Period of the probe (`SELECT 1`) on the LISTEN connection. */
  readonly probeIntervalMs: number;
  /** A probe unanswered this long means the LISTEN connection is dead (a black hole). */
  readonly probeTimeoutMs: number;
  readonly onListenerError: ListenerErrorHandler;
  /** Background failures: a lost LISTEN connection, a failed catch-up (both retried). */
  readonly onError: (error: unknown, context: string) => void;
  /** Told of every batch before the listeners, so the log's bounds cover it. */
  readonly onBatch: (batch: readonly StoredEvent[]) => void;
  /** Re-reads the log's bounds; asked after another instance pruned and after a reconnect. */
  readonly refreshBounds: () => Promise<void>;
}

/** The PostgreSQL log's ordered tail, fed only by reading the table (own appends included). */
export interface LogTail {
  /**
   * Opens the LISTEN connection, then asks `loadHead` where to start: events after that seq are
   * delivered. Listening first means nothing committed after the head was read can be missed.
   */
  start(loadHead: () => Promise<number>): Promise<void>;
  subscribe(listener: EventLogListener, fromSeq: number): () => void;
  /**
   * Runs one of this instance's appends (resolving with what it stored: batches of consecutive
   * seqs, all in one commit) and hands them to the tail, which delivers them without reading
   * them back; rows of other instances' commits below them are still read from the table first.
   * While own appends are in flight the tail reads nothing past the batches it holds, so it
   * does not read back rows that are about to be handed over.
   */
  own<T>(append: () => Promise<T>, batchesOf: (result: T) => readonly (readonly StoredEvent[])[]): Promise<T>;
  /** Asks for a catch-up: runs one now, or one more after the current one. */
  wake(): void;
  /** Whether it follows the log now, and since when. */
  status(): TailStatus;
  /** Stops listening, waits for a running catch-up and drops every listener. */
  close(): Promise<void>;
}

/** One of this instance's commits, waiting for the tail to reach it. */
interface OwnCommit {
  readonly first: number;
  readonly last: number;
  readonly batches: readonly (readonly StoredEvent[])[];
}

/** At most this many events of own commits wait for the tail; older ones are read back instead. */
const MAX_OWNED_EVENTS = 100_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Creates the tail. One dedicated pool connection LISTENs on the schema's channel; a wake-up
 * (an append or a prune anywhere) starts a catch-up that reads rows after the last delivered seq
 * in pages and delivers them whole batch by whole batch. Catch-ups never overlap, and appends
 * commit in seq order, so every event is delivered once, in order.
 *
 * Recovery has two independent loops, each with its own timer, so that neither can cancel the
 * other: reconnecting LISTEN (after the connection errors, ends, or leaves a probe unanswered),
 * and retrying a failed catch-up. Every successful LISTEN is followed by a catch-up, so nothing
 * committed while the tail was deaf is missed. It follows (see {@link LogTail.status}) while
 * LISTEN is up and a catch-up begun after that LISTEN has succeeded, with no failure since.
 */
export function createLogTail(options: LogTailOptions): LogTail {
  const { pool, names, epoch, pageSize, reconnect, onError } = options;
  const tail = createTail(options.onListenerError);
  let deliveredSeq = 0;
  let listener: pg.PoolClient | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let refreshWanted = false;
  let started = false;
  let closed = false;
  // Each successful LISTEN starts a generation; the tail follows once a catch-up that began in
  // the current generation succeeded.
  let generation = 0;
  let caughtUpGeneration = -1;
  let catchUpFailing = false;
  let reason = 'starting';
  let status: TailStatus = Object.freeze({ following: false, sinceMs: Date.now(), reason });

  let reconnecting = false;
  let reconnectDelay = reconnect.minDelayMs;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let retryDelay = reconnect.minDelayMs;
  let retryTimer: NodeJS.Timeout | undefined;
  let probeTimer: NodeJS.Timeout | undefined;

  const backoff = (delay: number) => Math.min(delay * 2, reconnect.maxDelayMs);
  // Jitter spreads the reconnects of many instances after a database restart.
  const jittered = (delay: number) => Math.round(delay * (0.5 + Math.random() / 2));

  function updateStatus(): void {
    const following = listener !== null && !catchUpFailing && caughtUpGeneration === generation;
    if (following === status.following && (following || reason === status.reason)) return;
    const sinceMs = following === status.following ? status.sinceMs : Date.now();
    status = Object.freeze({ following, sinceMs, reason: following ? null : reason });
  }

  async function listen(): Promise<void> {
    const client = await pool.connect();
    const lost = (error?: unknown) => {
      if (listener === client) onLost(client, error ?? new Error('LISTEN connection ended'));
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel !== names.channel) return;
      if (message.payload === 'prune') refreshWanted = true;
      wake();
    });
    try {
      await client.query(`LISTEN "${names.channel}"`);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    if (closed) {
      client.release(true);
      return;
    }
    listener = client;
    generation += 1;
    probeTimer = setInterval(() => void probe(client), options.probeIntervalMs);
    probeTimer.unref();
  }

  function onLost(client: pg.PoolClient, error: unknown): void {
    listener = null;
    clearInterval(probeTimer);
    // Destroyed rather than returned: the pool must not hand out a dead or listening connection.
    client.release(error instanceof Error ? error : true);
    reason = `LISTEN connection lost: ${messageOf(error)}`;
    updateStatus();
    if (closed) return;
    onError(error, 'listen connection lost; reconnecting');
    scheduleReconnect();
  }

  let probing = false;
  /**
   * A cheap query on the LISTEN connection: a silent network (a black hole) sends no error and
   * no end, and TCP keep-alive can take minutes to notice; an unanswered probe does in seconds.
   */
  async function probe(client: pg.PoolClient): Promise<void> {
    if (probing || listener !== client) return;
    probing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer to a probe within ${options.probeTimeoutMs} ms`)),
            options.probeTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      if (listener === client) onLost(client, error);
    } finally {
      clearTimeout(timer);
      probing = false;
    }
  }

  function scheduleReconnect(): void {
    if (closed || listener !== null || reconnecting || reconnectTimer !== undefined) return;
    reconnectTimer = setTimeout(reopen, jittered(reconnectDelay));
    reconnectTimer.unref();
  }

  function reopen(): void {
    reconnectTimer = undefined;
    if (closed) return;
    reconnecting = true;
    listen().then(
      () => {
        reconnecting = false;
        // Lost again before we got here: its loss found no reconnect to schedule, so do it now.
        if (listener === null) {
          scheduleReconnect();
          return;
        }
        reconnectDelay = reconnect.minDelayMs;
        reason = 'catching up after reconnecting';
        updateStatus();
        // Another instance may have appended or pruned while we were deaf.
        refreshWanted = true;
        wake();
      },
      (error: unknown) => {
        reconnecting = false;
        reconnectDelay = backoff(reconnectDelay);
        reason = `LISTEN reconnect failed: ${messageOf(error)}`;
        updateStatus();
        if (closed) return;
        onError(error, 'listen reconnect failed; retrying');
        scheduleReconnect();
      },
    );
  }

  function scheduleRetry(): void {
    if (closed || retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      wake();
    }, jittered(retryDelay));
    retryTimer.unref();
    retryDelay = backoff(retryDelay);
  }

  /**
   * This instance's commits not yet delivered, by first seq. A commit's seqs follow every seq
   * committed before it (the head row's lock orders commits), so once the rows below `first`
   * are read, the commit is next in the log and needs no reading back.
   */
  const owned: OwnCommit[] = [];
  let ownedEvents = 0;

  let ownInFlight = 0;

  async function own<T>(
    append: () => Promise<T>,
    batchesOf: (result: T) => readonly (readonly StoredEvent[])[],
  ): Promise<T> {
    ownInFlight += 1;
    let result: T;
    try {
      result = await append();
    } catch (error) {
      // It may have committed all the same (a connection lost after the commit): read it.
      ownInFlight -= 1;
      wake();
      throw error;
    }
    ownInFlight -= 1;
    committed(batchesOf(result));
    return result;
  }

  function committed(batches: readonly (readonly StoredEvent[])[]): void {
    const first = (batches[0]?.[0] as StoredEvent | undefined)?.seq;
    if (first === undefined || closed) {
      wake();
      return;
    }
    const last = ((batches.at(-1) as readonly StoredEvent[]).at(-1) as StoredEvent).seq;
    if (first > deliveredSeq) {
      const commit: OwnCommit = { first, last, batches: batches.map((batch) => Object.freeze([...batch])) };
      // Commits of one instance may return out of order (an idempotent append has its own).
      let at = owned.length;
      while (at > 0 && (owned[at - 1] as OwnCommit).first > first) at -= 1;
      owned.splice(at, 0, commit);
      ownedEvents += last - first + 1;
      // A tail that cannot catch up must not hold every append in memory: the oldest are
      // dropped and read from the table like any other instance's.
      while (ownedEvents > MAX_OWNED_EVENTS && owned.length > 1) dropOwned();
    }
    wake();
  }

  function dropOwned(): void {
    const dropped = owned.shift() as OwnCommit;
    ownedEvents -= dropped.last - dropped.first + 1;
  }

  function deliverBatch(batch: readonly StoredEvent[]): void {
    deliveredSeq = (batch.at(-1) as StoredEvent).seq;
    options.onBatch(batch);
    tail.deliver(batch);
  }

  async function catchUp(): Promise<void> {
    if (refreshWanted) {
      refreshWanted = false;
      try {
        await options.refreshBounds();
      } catch (error) {
        refreshWanted = true;
        throw error;
      }
    }
    let afterSeq = deliveredSeq;
    // Rows of a batch whose end is on the next page: a batch is delivered whole or not at all.
    let partial: StoredEvent[] = [];
    for (;;) {
      // Delivered already, or partly (read from the table across a page end): read the rest.
      while (owned.length > 0 && (owned[0] as OwnCommit).first <= afterSeq) dropOwned();
      const own = owned[0];
      if (own !== undefined && own.first === afterSeq + 1 && partial.length === 0) {
        dropOwned();
        for (const batch of own.batches) deliverBatch(batch);
        afterSeq = own.last;
        continue;
      }
      // An own append in flight wakes the tail when it ends; its batches are then next or
      // rows below them are read, so it is caught up as far as it can be without reading them.
      if (own === undefined && ownInFlight > 0) return;
      // Only what lies below our next own commit is read: that commit is then delivered as is.
      const rows = await selectTailPage(pool, names, afterSeq, own?.first, pageSize);
      if (closed) return;
      for (const row of rows) {
        const stored = storedFromRow(epoch, row);
        partial.push(stored);
        if (stored.seq === Number(row.batch_last)) {
          const batch = Object.freeze(partial);
          partial = [];
          deliverBatch(batch);
        }
      }
      if (rows.length > 0) afterSeq = Number((rows.at(-1) as { seq: string }).seq);
      if (rows.length === pageSize) continue;
      if (own === undefined) return;
      // Dropped or preceded by another own commit meanwhile: read on without its bound.
      if (owned[0] !== own) continue;
      if (partial.length > 0) {
        // A batch running into our commit cannot be: read the table rather than trust it.
        dropOwned();
        continue;
      }
      // Everything below our commit that is still retained has been delivered: it is next.
      afterSeq = Math.max(afterSeq, own.first - 1);
      deliveredSeq = afterSeq;
    }
  }

  async function run(): Promise<void> {
    do {
      again = false;
      const begunIn = generation;
      try {
        await catchUp();
      } catch (error) {
        if (closed) return;
        catchUpFailing = true;
        reason = `catch-up failed: ${messageOf(error)}`;
        updateStatus();
        onError(error, 'tail catch-up failed; retrying');
        scheduleRetry();
        return;
      }
      retryDelay = reconnect.minDelayMs;
      catchUpFailing = false;
      caughtUpGeneration = begunIn;
      updateStatus();
    } while (again && !closed);
  }

  function wake(): void {
    // Before start, the final wake-up of start() covers whatever was notified.
    if (closed || !started) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = null;
    });
  }

  return {
    async start(loadHead) {
      await listen();
      deliveredSeq = await loadHead();
      started = true;
      // The head was read after LISTEN began: nothing before it is owed to a subscriber.
      caughtUpGeneration = generation;
      updateStatus();
      wake();
    },
    subscribe: (listenerFn, fromSeq) => tail.subscribe(listenerFn, fromSeq),
    own,
    wake,
    status: () => status,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(reconnectTimer);
      clearTimeout(retryTimer);
      clearInterval(probeTimer);
      const client = listener;
      listener = null;
      // Destroyed rather than returned: a pooled connection must not keep listening.
      client?.release(true);
      reason = 'closed';
      updateStatus();
      await running;
      tail.close();
    },
  };
}
