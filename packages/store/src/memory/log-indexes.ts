import type { EventKind } from '@ironflow/engine';
import type { StoredEvent } from '../event-log.js';
import {
  type NormalisedLogLineQuery,
  type NormalisedReadBeforeOptions,
  type NormalisedReadOptions,
  splitVisibleKinds,
  USER_KINDS,
} from '../read-options.js';
import { microsOfTime } from '../time-key.js';
import { Queue } from './queue.js';
import { SeqIndex, type SeqRange, type SeqRangeBefore } from './seq-index.js';

type Keep = (stored: StoredEvent) => boolean;
const always: Keep = () => true;

/**
 * The memory log's retained events and its two secondary indexes (run → seqs, kind → seqs), with
 * the reads that walk them. Every read costs what it returns plus what its filters skip inside
 * the shorter index list, never the size of the log. Filters read the stored events' fields,
 * never their events (which the retained events parse from their JSON on each use).
 */
export class LogIndexes {
  /** Consecutive seqs: seq s sits at position s - oldestSeq. */
  readonly events = new Queue<StoredEvent>();
  readonly byRun = new SeqIndex<string>();
  readonly byKind = new SeqIndex<EventKind>();
  /**
   * Each retained event's `at` in microseconds, at the same positions as `events`: computed once
   * at append, so a time-bounded read compares numbers instead of parsing every candidate's time.
   */
  readonly #atMicros = new Queue<number>();
  /** `user_*` events by the user they concern: a non-admin's read walks only their own. */
  readonly byUser = new SeqIndex<string>();

  get oldestSeq(): number | null {
    return this.events.at(0)?.seq ?? null;
  }

  get length(): number {
    return this.events.length;
  }

  eventAt(seq: number): StoredEvent {
    return this.events.at(seq - (this.oldestSeq ?? 0)) as StoredEvent;
  }

  /** The `at` of retained event `seq`, in microseconds since the Unix epoch. */
  atMicrosOf(seq: number): number {
    return this.#atMicros.at(seq - (this.oldestSeq ?? 0)) as number;
  }

  /** Retains `stored`, whose event's `at` is `at`. */
  add(stored: StoredEvent, at: string): void {
    this.events.push(stored);
    this.#atMicros.push(microsOfTime(at) ?? Number.NaN);
    const { seq, runId, userId } = stored;
    if (runId !== null) this.byRun.add(runId, seq);
    this.byKind.add(stored.kind, seq);
    if (userId !== null) this.byUser.add(userId.toLowerCase(), seq);
  }

  /** Drops the oldest event from the log and its indexes, and returns it. */
  evictOldest(): StoredEvent | undefined {
    const evicted = this.events.shift();
    if (evicted === undefined) return undefined;
    this.#atMicros.shift();
    // Seqs enter and leave in ascending order, so the evicted seq heads its index lists.
    const { runId, userId } = evicted;
    if (runId !== null) this.byRun.removeOldest(runId);
    this.byKind.removeOldest(evicted.kind);
    if (userId !== null) this.byUser.removeOldest(userId.toLowerCase());
    return evicted;
  }

  read(
    { afterSeq, limit, runId, kinds, visibleTo }: NormalisedReadOptions,
    extra: Keep = always,
  ): StoredEvent[] {
    if (limit === 0) return [];
    if (visibleTo !== undefined) {
      // A non-admin: the kinds everyone sees through their index lists, and the `user_*` ones
      // through this user's own list, merged by seq; other users' events are never visited.
      const { shared, own } = splitVisibleKinds(kinds);
      const ranges = shared.flatMap((kind) => this.byKind.after(kind, afterSeq) ?? []);
      const mine = own.length > 0 ? this.byUser.after(visibleTo, afterSeq) : undefined;
      if (mine !== undefined) ranges.push(mine);
      const ownKinds: ReadonlySet<string> = new Set(own);
      const allOwn = own.length === USER_KINDS.length;
      return this.merge(
        ranges,
        limit,
        (stored) => (allOwn || stored.userId === null || ownKinds.has(stored.kind)) && extra(stored),
      );
    }
    if (kinds === undefined) {
      return runId === undefined
        ? this.readAll(afterSeq, limit, extra)
        : this.take(this.byRun.after(runId, afterSeq), limit, extra);
    }
    const kindRanges = kinds.flatMap((kind) => this.byKind.after(kind, afterSeq) ?? []);
    if (runId === undefined) return this.merge(kindRanges, limit, extra);

    // Both filters: walk whichever side has fewer candidates and test the other filter per event.
    const runRange = this.byRun.after(runId, afterSeq);
    if (runRange === undefined) return [];
    const kindSet: ReadonlySet<string> = new Set(kinds);
    const runCandidates = runRange.seqs.length - runRange.start;
    const kindCandidates = kindRanges.reduce((sum, range) => sum + range.seqs.length - range.start, 0);
    return runCandidates <= kindCandidates
      ? this.take(runRange, limit, (stored) => kindSet.has(stored.kind) && extra(stored))
      : this.merge(kindRanges, limit, (stored) => stored.runId === runId && extra(stored));
  }

  readBefore({ beforeSeq, limit, runId, kinds }: NormalisedReadBeforeOptions): StoredEvent[] {
    if (limit === 0) return [];
    if (kinds === undefined) {
      return runId === undefined
        ? this.readAllBefore(beforeSeq, limit)
        : this.takeBack(this.byRun.before(runId, beforeSeq), limit, always);
    }
    const kindRanges = kinds.flatMap((kind) => this.byKind.before(kind, beforeSeq) ?? []);
    if (runId === undefined) return this.mergeBack(kindRanges, limit, always);
    const runRange = this.byRun.before(runId, beforeSeq);
    if (runRange === undefined) return [];
    const kindSet: ReadonlySet<string> = new Set(kinds);
    const kindCandidates = kindRanges.reduce((sum, range) => sum + range.end, 0);
    return runRange.end <= kindCandidates
      ? this.takeBack(runRange, limit, (stored) => kindSet.has(stored.kind))
      : this.mergeBack(kindRanges, limit, (stored) => stored.runId === runId);
  }

  readLogLines({ runId, afterSeq, stepId, stream, limit }: NormalisedLogLineQuery): StoredEvent[] {
    // Step and stream are not fields: a filtered log read parses its candidates' JSON.
    const matches: Keep =
      stepId === undefined && stream === undefined
        ? always
        : (stored) => {
            const line = stored.event as { step_id?: unknown; stream?: unknown };
            return (
              (stepId === undefined || line.step_id === stepId) &&
              (stream === undefined || line.stream === stream)
            );
          };
    return this.read({ afterSeq, limit, runId, kinds: ['log_line'], visibleTo: undefined }, matches);
  }

  private readAll(afterSeq: number, limit: number, keep: Keep): StoredEvent[] {
    const oldest = this.oldestSeq;
    const out: StoredEvent[] = [];
    if (oldest === null) return out;
    for (let offset = Math.max(afterSeq + 1, oldest) - oldest; offset < this.events.length; offset += 1) {
      const stored = this.events.at(offset) as StoredEvent;
      if (keep(stored) && out.push(stored) >= limit) break;
    }
    return out;
  }

  private readAllBefore(beforeSeq: number, limit: number): StoredEvent[] {
    const oldest = this.oldestSeq;
    const out: StoredEvent[] = [];
    if (oldest === null) return out;
    const last = Math.min(beforeSeq - oldest, this.events.length) - 1;
    for (let offset = last; offset >= 0 && out.length < limit; offset -= 1) {
      out.push(this.events.at(offset) as StoredEvent);
    }
    return out;
  }

  private take(range: SeqRange | undefined, limit: number, keep: Keep): StoredEvent[] {
    const out: StoredEvent[] = [];
    if (range === undefined) return out;
    for (let index = range.start; index < range.seqs.length && out.length < limit; index += 1) {
      const stored = this.eventAt(range.seqs.at(index) as number);
      if (keep(stored)) out.push(stored);
    }
    return out;
  }

  private takeBack(range: SeqRangeBefore | undefined, limit: number, keep: Keep): StoredEvent[] {
    const out: StoredEvent[] = [];
    if (range === undefined) return out;
    for (let index = range.end - 1; index >= 0 && out.length < limit; index -= 1) {
      const stored = this.eventAt(range.seqs.at(index) as number);
      if (keep(stored)) out.push(stored);
    }
    return out;
  }

  /** Merges several kinds' seq lists in ascending order (one list per kind). */
  private merge(ranges: readonly SeqRange[], limit: number, keep: Keep): StoredEvent[] {
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
      const stored = this.eventAt(bestSeq);
      if (keep(stored)) out.push(stored);
    }
    return out;
  }

  /** Merges several kinds' seq lists in descending order. */
  private mergeBack(ranges: readonly SeqRangeBefore[], limit: number, keep: Keep): StoredEvent[] {
    const out: StoredEvent[] = [];
    const positions = ranges.map((range) => range.end - 1);
    while (out.length < limit) {
      let best = -1;
      let bestSeq = Number.NEGATIVE_INFINITY;
      for (let which = 0; which < ranges.length; which += 1) {
        const seq = ranges[which]?.seqs.at(positions[which] as number);
        if (seq !== undefined && seq > bestSeq) {
          best = which;
          bestSeq = seq;
        }
      }
      if (best < 0) break;
      positions[best] = (positions[best] as number) - 1;
      const stored = this.eventAt(bestSeq);
      if (keep(stored)) out.push(stored);
    }
    return out;
  }
}
