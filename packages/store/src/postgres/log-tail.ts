import type pg from 'pg';
import type { EventLogListener, StoredEvent } from '../event-log.js';
import { createTail, type ListenerErrorHandler } from '../memory/tail.js';
import { selectPage, storedFromRow } from './event-queries.js';
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
  /** Asks for a catch-up: runs one now, or one more after the current one. */
  wake(): void;
  /** Stops listening, waits for a running catch-up and drops every listener. */
  close(): Promise<void>;
}

/**
 * Creates the tail. One dedicated pool connection LISTENs on the schema's channel; a wake-up
 * (an append or a prune anywhere) starts a catch-up that reads rows after the last delivered seq
 * in pages and delivers them whole batch by whole batch. Catch-ups never overlap, and appends
 * commit in seq order, so every event is delivered once, in order. A lost connection is reopened
 * with backoff and followed by a catch-up, so nothing committed meanwhile is missed.
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
  let reconnectDelay = reconnect.minDelayMs;
  let retryDelay = reconnect.minDelayMs;
  let timer: NodeJS.Timeout | undefined;

  const backoff = (delay: number) => Math.min(delay * 2, reconnect.maxDelayMs);
  // Jitter spreads the reconnects of many instances after a database restart.
  const jittered = (delay: number) => Math.round(delay * (0.5 + Math.random() / 2));

  function schedule(action: () => void, delay: number): void {
    clearTimeout(timer);
    timer = setTimeout(action, jittered(delay));
    timer.unref();
  }

  async function listen(): Promise<void> {
    const client = await pool.connect();
    const lost = (error?: unknown) => {
      if (listener !== client) return;
      listener = null;
      client.release(error instanceof Error ? error : true);
      if (closed) return;
      onError(error ?? new Error('LISTEN connection ended'), 'listen connection lost; reconnecting');
      schedule(reopen, reconnectDelay);
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
  }

  function reopen(): void {
    if (closed) return;
    listen().then(
      () => {
        reconnectDelay = reconnect.minDelayMs;
        // Another instance may have appended or pruned while we were deaf.
        refreshWanted = true;
        wake();
      },
      (error: unknown) => {
        reconnectDelay = backoff(reconnectDelay);
        onError(error, 'listen reconnect failed; retrying');
        schedule(reopen, reconnectDelay);
      },
    );
  }

  async function catchUp(): Promise<void> {
    if (refreshWanted) {
      refreshWanted = false;
      await options.refreshBounds();
    }
    let afterSeq = deliveredSeq;
    // Rows of a batch whose end is on the next page: a batch is delivered whole or not at all.
    let partial: StoredEvent[] = [];
    for (;;) {
      const rows = await selectPage(pool, names, {
        afterSeq,
        limit: pageSize,
        runId: undefined,
        kinds: undefined,
      });
      if (closed) return;
      for (const row of rows) {
        const stored = storedFromRow(epoch, row);
        partial.push(stored);
        if (stored.seq === Number(row.batch_last)) {
          const batch = Object.freeze(partial);
          partial = [];
          deliveredSeq = stored.seq;
          options.onBatch(batch);
          tail.deliver(batch);
        }
      }
      if (rows.length < pageSize) return;
      afterSeq = Number((rows.at(-1) as { seq: string }).seq);
    }
  }

  async function run(): Promise<void> {
    do {
      again = false;
      try {
        await catchUp();
        retryDelay = reconnect.minDelayMs;
      } catch (error) {
        if (closed) return;
        onError(error, 'tail catch-up failed; retrying');
        schedule(wake, retryDelay);
        retryDelay = backoff(retryDelay);
        return;
      }
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
      wake();
    },
    subscribe: (listenerFn, fromSeq) => tail.subscribe(listenerFn, fromSeq),
    wake,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      const client = listener;
      listener = null;
      // Destroyed rather than returned: a pooled connection must not keep listening.
      client?.release(true);
      await running;
      tail.close();
    },
  };
}
