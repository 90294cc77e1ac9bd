import type { EventKind, IronflowEvent } from '@ironflow/engine';
import type { StoredEvent } from '../event-log.js';

/**
 * What the memory log keeps of each event: its canonical JSON and the few fields its indexes and
 * readers filter on. Not the parsed event: every retained object is copied by the young-generation
 * collector before it settles, and the parsed event (its object, its labels, its strings) was
 * more than a third of what each event kept alive. Measured in-process (append and route 100
 * events at a time to 2,000 runs' streams): live heap at 100,000 events 114 → 71 MB, CPU per
 * event 13.5 → 10.9 µs (BENCHMARKS.md, round 2).
 */
export interface RetainedEvent {
  readonly seq: number;
  readonly json: string;
  readonly kind: EventKind;
  readonly runId: string | null;
  readonly userId: string | null;
  readonly appendedAtMs: number;
}

/** The retained form of a stored event. */
export function retain(stored: StoredEvent): RetainedEvent {
  return {
    seq: stored.seq,
    json: stored.json,
    kind: stored.kind,
    runId: stored.runId,
    userId: stored.userId,
    appendedAtMs: stored.appendedAtMs as number,
  };
}

/**
 * A retained event as a read returns it. The event is parsed from its JSON on first use (most
 * readers, the stream's replay among them, need only the JSON and the routing fields) and kept
 * by this read's object only; like every stored event, the object and its event are frozen.
 */
export function readView(retained: RetainedEvent, cursor: string): StoredEvent {
  let event: IronflowEvent | undefined;
  return Object.freeze({
    seq: retained.seq,
    cursor,
    kind: retained.kind,
    runId: retained.runId,
    userId: retained.userId,
    json: retained.json,
    appendedAtMs: retained.appendedAtMs,
    get event(): IronflowEvent {
      event ??= Object.freeze(JSON.parse(retained.json) as IronflowEvent);
      return event;
    },
  });
}
