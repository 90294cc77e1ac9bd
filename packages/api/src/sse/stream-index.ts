import type { EventKindName } from '@ironflow/engine';
import type { Connection } from './connection.js';

/**
 * Live streams indexed by what they filter on, so routing an event visits the streams that
 * match it (plus, for a run, its streams filtering on other kinds), never every stream.
 */
export class StreamIndex {
  /** Streams with a `run_id` filter, by run. */
  private readonly byRun = new Map<string, Set<Connection>>();
  /** Streams without a run filter but with a `types` filter, by kind. */
  private readonly byKind = new Map<EventKindName, Set<Connection>>();
  /** Streams without any filter. */
  private readonly unfiltered = new Set<Connection>();
  private entries = 0;

  /** Number of index entries held; zero once every stream has been removed. */
  get size(): number {
    return this.entries + this.byRun.size + this.byKind.size;
  }

  add(conn: Connection): void {
    const { runId, kinds } = conn.subscriber;
    if (runId !== null) addTo(this.byRun, runId, conn);
    else if (kinds !== null) for (const kind of kinds) addTo(this.byKind, kind, conn);
    else this.unfiltered.add(conn);
    this.entries++;
  }

  remove(conn: Connection): void {
    const { runId, kinds } = conn.subscriber;
    if (runId !== null) removeFrom(this.byRun, runId, conn);
    else if (kinds !== null) for (const kind of kinds) removeFrom(this.byKind, kind, conn);
    else this.unfiltered.delete(conn);
    this.entries--;
  }

  /**
   * Calls `visitor.visit` once for every stream whose filters accept an event of this run and
   * kind. A visitor object rather than a callback: routing calls this once per appended event,
   * and a closure per event was an allocation and a call site the compiler saw many functions at.
   */
  forEachMatch(runId: string | null, kind: EventKindName, visitor: MatchVisitor): void {
    if (runId !== null) {
      const ofRun = this.byRun.get(runId);
      if (ofRun !== undefined) {
        for (const conn of ofRun) {
          const kinds = conn.subscriber.kinds;
          if (kinds === null || kinds.has(kind)) visitor.visit(conn);
        }
      }
    }
    const ofKind = this.byKind.get(kind);
    if (ofKind !== undefined) for (const conn of ofKind) visitor.visit(conn);
    if (this.unfiltered.size > 0) for (const conn of this.unfiltered) visitor.visit(conn);
  }
}

/** What {@link StreamIndex.forEachMatch} hands each matching stream to. */
export interface MatchVisitor {
  visit(conn: Connection): void;
}

function addTo<K>(map: Map<K, Set<Connection>>, key: K, conn: Connection): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(conn);
}

function removeFrom<K>(map: Map<K, Set<Connection>>, key: K, conn: Connection): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(conn);
  if (set.size === 0) map.delete(key);
}
