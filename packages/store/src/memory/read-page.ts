import type { EventKind } from '@ironflow/engine';
import type { EventPage, StoredEvent } from '../event-log.js';
import type { NormalisedPageQuery } from '../read-options.js';
import type { LogIndexes } from './log-indexes.js';

/** Ascending seqs to walk, by position. */
interface Candidates {
  readonly length: number;
  seqAt(index: number): number;
}

const NONE: EventPage = Object.freeze({ events: [], total: 0 });

/**
 * `EventLog.readPage` on the memory log. The candidates are the shorter of the kind's and the
 * run's index lists (or the whole log without either); when they need no further test, the page
 * and the total come straight from positions in that list, so the cost is the page's. A second
 * filter or a time bound is tested per candidate, newest first, which also counts the total:
 * that costs the candidates (the run's or the kind's events, or the whole log for a time bound
 * alone), one number comparison each (the times are kept as numbers since append).
 */
export function readPage(indexes: LogIndexes, query: NormalisedPageQuery): EventPage {
  const { offset, limit, kind, runId, fromMicros, toMicros } = query;
  const kindSeqs = kind === undefined ? undefined : indexes.byKind.all(kind as EventKind);
  const runSeqs = runId === undefined ? undefined : indexes.byRun.all(runId);
  if ((kind !== undefined && kindSeqs === undefined) || (runId !== undefined && runSeqs === undefined)) {
    return NONE;
  }

  const tests: ((seq: number) => boolean)[] = [];
  let candidates: Candidates;
  if (kindSeqs !== undefined && (runSeqs === undefined || kindSeqs.length <= runSeqs.length)) {
    candidates = { length: kindSeqs.length, seqAt: (index) => kindSeqs.at(index) as number };
    if (runId !== undefined) tests.push((seq) => indexes.eventAt(seq).runId === runId);
  } else if (runSeqs !== undefined) {
    candidates = { length: runSeqs.length, seqAt: (index) => runSeqs.at(index) as number };
    if (kind !== undefined) tests.push((seq) => indexes.eventAt(seq).kind === kind);
  } else {
    const oldest = indexes.oldestSeq ?? 0;
    candidates = { length: indexes.length, seqAt: (index) => oldest + index };
  }
  if (fromMicros !== undefined || toMicros !== undefined) {
    const from = fromMicros ?? Number.NEGATIVE_INFINITY;
    const to = toMicros ?? Number.POSITIVE_INFINITY;
    tests.push((seq) => {
      const at = indexes.atMicrosOf(seq);
      return at >= from && at <= to;
    });
  }

  const events: StoredEvent[] = [];
  const newest = candidates.length - 1;
  if (tests.length === 0) {
    for (let index = newest - offset; index >= 0 && events.length < limit; index -= 1) {
      events.push(indexes.eventAt(candidates.seqAt(index)));
    }
    return { events, total: candidates.length };
  }
  const [first, second] = tests as [(seq: number) => boolean, ((seq: number) => boolean) | undefined];
  let total = 0;
  for (let index = newest; index >= 0; index -= 1) {
    const seq = candidates.seqAt(index);
    if (!first(seq) || (second !== undefined && !second(seq))) continue;
    if (total >= offset && events.length < limit) events.push(indexes.eventAt(seq));
    total += 1;
  }
  return { events, total };
}
