import { type EventKind, type IronflowEvent, runIdOf, serializeEvent } from '@ironflow/engine';
import { formatCursor, isValidEpoch } from '../cursor.js';
import { generateEpoch } from '../epoch.js';
import { EventLogClosedError } from '../errors.js';
import type { EventLog, EventLogReadOptions, StoredEvent, TailStatus } from '../event-log.js';
import { normaliseReadOptions } from '../read-options.js';
import { validateBatch } from '../validate-batch.js';
import { Queue } from './queue.js';
import { SeqIndex, type SeqRange } from './seq-index.js';
import { createTail, type ListenerErrorHandler, reportToConsole } from './tail.js';

/** Options of {@link createMemoryEventLog}. */
export interface MemoryEventLogOptions {
  /**
   * How many of the newest events the log retains (SPEC `EVENT_HISTORY_LIMIT`); older ones are
   * evicted as new ones are appended.
   * @default 100_000
   */
  historyLimit?: number;
  /**
   * The most bytes of event JSON (UTF-8, as sent on the wire) the log retains (SPEC
   * `EVENT_HISTORY_BYTES`); the oldest events are evicted first. With the count bound it keeps
   * any sequence of accepted appends from exhausting the heap. The process holds each event
   * twice (its JSON and the parsed event), so budget about twice this for the heap.
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

type Keep = (stored: StoredEvent) => boolean;
const always: Keep = () => true;

/**
 * Creates the in-memory event log, the embedded default backend. It keeps the newest
 * `historyLimit` events and at most `historyBytes` of their JSON. A per-run and a per-kind index of seqs make a filtered read cost
 * follow the matching events, not the size of the log.
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

  // `events` holds consecutive seqs, so seq s sits at position s - oldestSeq.
  const events = new Queue<StoredEvent>();
  const byRun = new SeqIndex<string>();
  const byKind = new SeqIndex<EventKind>();
  const tail = createTail(onListenerError);
  let headSeq = 0;
  let retainedBytes = 0;
  let closed = false;

  const oldestSeq = (): number | null => events.at(0)?.seq ?? null;
  const eventAt = (seq: number): StoredEvent => events.at(seq - (oldestSeq() ?? 0)) as StoredEvent;

  function toStored(event: IronflowEvent, appendedAtMs: number): StoredEvent {
    headSeq += 1;
    // Stored events are shared by every reader and listener; freezing keeps one from altering
    // what the others see.
    return Object.freeze({
      seq: headSeq,
      cursor: formatCursor(epoch, headSeq),
      event: Object.freeze(event),
      json: serializeEvent(event),
      appendedAtMs,
    });
  }

  function store(stored: StoredEvent): void {
    events.push(stored);
    retainedBytes += jsonBytes(stored);
    const runId = runIdOf(stored.event);
    if (runId !== null) byRun.add(runId, stored.seq);
    byKind.add(stored.event.type, stored.seq);
  }

  function evictOverflow(): void {
    while (events.length > historyLimit || retainedBytes > historyBytes) {
      const evicted = events.shift() as StoredEvent;
      retainedBytes -= jsonBytes(evicted);
      // Seqs enter and leave in ascending order, so the evicted seq heads its index lists.
      const runId = runIdOf(evicted.event);
      if (runId !== null) byRun.removeOldest(runId);
      byKind.removeOldest(evicted.event.type);
    }
  }

  async function append(inputs: readonly unknown[]): Promise<StoredEvent[]> {
    if (closed) throw new EventLogClosedError();
    const valid = validateBatch(inputs, now);
    if (valid.length === 0) return [];

    // From here on nothing awaits, so concurrent appends cannot interleave.
    const appendedAtMs = Date.now();
    const batch = Object.freeze(valid.map((event) => toStored(event, appendedAtMs)));
    for (const stored of batch) store(stored);
    evictOverflow();
    tail.deliver(batch);
    return batch.slice();
  }

  function readAll(afterSeq: number, limit: number): StoredEvent[] {
    const oldest = oldestSeq();
    if (oldest === null) return [];
    const from = Math.max(afterSeq + 1, oldest);
    const count = Math.min(limit, headSeq - from + 1);
    const out: StoredEvent[] = [];
    for (let offset = 0; offset < count; offset += 1) out.push(eventAt(from + offset));
    return out;
  }

  function take(range: SeqRange | undefined, limit: number, keep: Keep): StoredEvent[] {
    const out: StoredEvent[] = [];
    if (range === undefined) return out;
    for (let index = range.start; index < range.seqs.length && out.length < limit; index += 1) {
      const stored = eventAt(range.seqs.at(index) as number);
      if (keep(stored)) out.push(stored);
    }
    return out;
  }

  /** Merges several kinds' seq lists in ascending order (at most 12 lists, one per kind). */
  function merge(ranges: readonly SeqRange[], limit: number, keep: Keep): StoredEvent[] {
    const out: StoredEvent[] = [];
    const positions = ranges.map((range) => range.start);
    while (out.length < limit) {
      let best = -1;
      let bestSeq = Number.POSITIVE_INFINITY;
      for (let which = 0; which < ranges.length; which += 1) {
        const seq = ranges[which]?.seqs.at(positions[which] as number);
        if (seq !== undefined && seq < bestSeq) {
          best = which;
          bestSeq = seq;
        }
      }
      if (best < 0) break;
      positions[best] = (positions[best] as number) + 1;
      const stored = eventAt(bestSeq);
      if (keep(stored)) out.push(stored);
    }
    return out;
  }

  async function read(readOptions: EventLogReadOptions): Promise<StoredEvent[]> {
    if (closed) throw new EventLogClosedError();
    const { afterSeq, limit, runId, kinds } = normaliseReadOptions(readOptions);
    if (limit === 0) return [];
    if (kinds === undefined) {
      return runId === undefined
        ? readAll(afterSeq, limit)
        : take(byRun.after(runId, afterSeq), limit, always);
    }
    const kindRanges = kinds.flatMap((kind) => byKind.after(kind, afterSeq) ?? []);
    if (runId === undefined) return merge(kindRanges, limit, always);

    // Both filters: walk whichever side has fewer candidates and test the other filter per event.
    const runRange = byRun.after(runId, afterSeq);
    if (runRange === undefined) return [];
    const kindSet: ReadonlySet<string> = new Set(kinds);
    const runCandidates = runRange.seqs.length - runRange.start;
    const kindCandidates = kindRanges.reduce((sum, range) => sum + range.seqs.length - range.start, 0);
    return runCandidates <= kindCandidates
      ? take(runRange, limit, (stored) => kindSet.has(stored.event.type))
      : merge(kindRanges, limit, (stored) => runIdOf(stored.event) === runId);
  }

  const following: TailStatus = Object.freeze({ following: true, sinceMs: Date.now(), reason: null });
  return {
    epoch,
    append,
    read,
    bounds: () => ({ oldestSeq: oldestSeq(), headSeq }),
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
