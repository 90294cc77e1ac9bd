import { type IronflowEvent, serializeEvent } from '@ironflow/engine';
import { cursorFormatter, isValidEpoch } from '../cursor.js';
import { generateEpoch } from '../epoch.js';
import { EventLogClosedError } from '../errors.js';
import type { AppendOptions, EventLog, StoredEvent, TailStatus } from '../event-log.js';
import {
  normaliseLogLineQuery,
  normalisePageQuery,
  normaliseReadBeforeOptions,
  normaliseReadOptions,
} from '../read-options.js';
import { storedEvent, withoutParsedEvent } from '../stored-event.js';
import { validateBatch } from '../validate-batch.js';
import { LogIndexes } from './log-indexes.js';
import { readPage } from './read-page.js';
import { createTail, type ListenerErrorHandler, reportToConsole } from './tail.js';

/** Options of {@link createMemoryEventLog}. */
export interface MemoryEventLogOptions {
  /**
   * How many of the newest events the log retains (docs/PROTOCOL.md `EVENT_HISTORY_LIMIT`); older ones are
   * evicted as new ones are appended.
   * @default 100_000
   */
  historyLimit?: number;
  /**
   * The most bytes of event JSON (UTF-8, as sent on the wire) the log retains (docs/PROTOCOL.md
   * `EVENT_HISTORY_BYTES`); the oldest events are evicted first. With the count bound it keeps
   * any sequence of accepted appends from exhausting the heap. The log keeps each event's JSON and
   * a few fields, not the parsed event (its readers parse it when they use it); each retained event
   * takes about twice its JSON's bytes of heap, so budget about twice this.
   * An event larger than the bound is delivered to the tail but not retained.
   * @default 268_435_456 (256 MiB)
   */
  historyBytes?: number;
  /**
   * The log's epoch, 1 to 32 characters of `[a-z0-9]`.
   * @default a fresh random epoch, so a restarted server never reuses the cursors of the last one
   */
  epoch?: string;
  /**
   * Clock used for events whose `at` is missing.
   * @default () => new Date()
   */
  now?: () => Date;
  /**
   * Called when a tail listener throws; the append and the other listeners carry on regardless.
   * @default reports the error with `console.error`
   */
  onListenerError?: ListenerErrorHandler;
}

/**
 * Creates the in-memory event log, the embedded default backend. It keeps the newest
 * `historyLimit` events and at most `historyBytes` of their JSON. A per-run and a per-kind index
 * of seqs make a filtered read cost follow the matching events, not the size of the log (see
 * `LogIndexes`).
 *
 * @example
 * const log = createMemoryEventLog({ historyLimit: 10_000 });
 * const stop = log.subscribe((batch) => {
 *   for (const stored of batch) console.log(stored.cursor, stored.json);
 * });
 * await log.append([{ type: 'run_created', run_id: runId, workflow_name: 'deploy' }]);
 * const page = await log.read({ afterSeq: 0, runId, limit: 100 });
 * stop();
 */
export function createMemoryEventLog(options: MemoryEventLogOptions = {}): EventLog {
  const {
    historyLimit = 100_000,
    historyBytes = 268_435_456,
    epoch = generateEpoch(),
    now,
    onListenerError = reportToConsole,
  } = options;
  checkOptions(historyLimit, historyBytes, epoch, now, onListenerError);

  const cursorOf = cursorFormatter(epoch);
  const indexes = new LogIndexes();
  const tail = createTail(onListenerError);
  let headSeq = 0;
  let retainedBytes = 0;
  let closed = false;

  function toStored(event: IronflowEvent, appendedAtMs: number): StoredEvent {
    headSeq += 1;
    return storedEvent(headSeq, cursorOf(headSeq), event, serializeEvent(event), appendedAtMs);
  }

  function store(stored: StoredEvent): void {
    indexes.add(withoutParsedEvent(stored), stored.event.at);
    retainedBytes += jsonBytes(stored);
  }

  function evictOverflow(): void {
    while (indexes.length > historyLimit || retainedBytes > historyBytes) {
      const evicted = indexes.evictOldest();
      if (evicted === undefined) break;
      retainedBytes -= jsonBytes(evicted);
    }
  }

  async function append(inputs: readonly unknown[], options?: AppendOptions): Promise<StoredEvent[]> {
    if (closed) throw new EventLogClosedError();
    const valid = validateBatch(inputs, now);
    if (valid.length === 0) return [];

    // From here on nothing awaits, so concurrent appends cannot interleave.
    const appendedAtMs = Date.now();
    const batch = Object.freeze(valid.map((event) => toStored(event, appendedAtMs)));
    for (const stored of batch) store(stored);
    evictOverflow();
    // Nothing here outlives a crash, so recording the answer just after storing is as good as
    // one commit (the memory idempotency store records it before it returns).
    const recorded = options?.idempotency?.lease.complete(options.idempotency.answer(batch));
    tail.deliver(batch);
    await recorded;
    return batch.slice();
  }

  const open = (): void => {
    if (closed) throw new EventLogClosedError();
  };

  // Memory has no connection to lose: the tail always follows.
  const following: TailStatus = Object.freeze({ following: true, sinceMs: Date.now(), reason: null });

  return {
    epoch,
    append,
    async read(readOptions) {
      open();
      return indexes.read(normaliseReadOptions(readOptions));
    },
    async readBefore(readOptions) {
      open();
      return indexes.readBefore(normaliseReadBeforeOptions(readOptions));
    },
    async readLogLines(query) {
      open();
      return indexes.readLogLines(normaliseLogLineQuery(query));
    },
    async readPage(query) {
      open();
      return readPage(indexes, normalisePageQuery(query));
    },
    bounds: () => ({ oldestSeq: indexes.oldestSeq, headSeq }),
    subscribe(listener) {
      if (typeof listener !== 'function') throw new TypeError('subscribe expects a function (batch) => void');
      return tail.subscribe(listener, headSeq + 1);
    },
    // In memory the tail is the append itself: it always follows.
    tailStatus: () => following,
    async ping() {
      if (closed) throw new EventLogClosedError();
    },
    async prune() {
      if (closed) throw new EventLogClosedError();
      // Retention here is by count and is applied at every append: nothing is left to prune.
      return 0;
    },
    async close() {
      closed = true;
      tail.close();
    },
  };
}

// Measured again at eviction rather than stored: a number per event would cost more than the scan
// of one string that is about to be dropped.
const jsonBytes = (stored: StoredEvent): number => Buffer.byteLength(stored.json, 'utf8');

function checkOptions(
  historyLimit: unknown,
  historyBytes: unknown,
  epoch: unknown,
  now: unknown,
  onListenerError: unknown,
): void {
  if (typeof historyLimit !== 'number' || !Number.isSafeInteger(historyLimit) || historyLimit < 1) {
    throw new RangeError(
      `createMemoryEventLog: historyLimit must be a positive integer (how many newest events to keep), got ${String(historyLimit)}; omit it for the default 100000`,
    );
  }
  if (typeof historyBytes !== 'number' || !Number.isSafeInteger(historyBytes) || historyBytes < 1) {
    throw new RangeError(
      `createMemoryEventLog: historyBytes must be a positive integer (how many bytes of event JSON to keep), got ${String(historyBytes)}; omit it for the default 268435456`,
    );
  }
  if (!isValidEpoch(epoch)) {
    throw new RangeError(
      `createMemoryEventLog: epoch must be 1 to 32 characters of [a-z0-9], got ${JSON.stringify(epoch)}; omit it for a fresh random epoch`,
    );
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError(
      'createMemoryEventLog: now must be a function returning a Date, e.g. () => new Date()',
    );
  }
  if (typeof onListenerError !== 'function') {
    throw new TypeError('createMemoryEventLog: onListenerError must be a function (error, batch) => void');
  }
}
