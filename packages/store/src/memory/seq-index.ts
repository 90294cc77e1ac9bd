import { Queue } from './queue.js';

const identity = (seq: number): number => seq;

/** Where a read starts in one key's seq list. */
export interface SeqRange {
  readonly seqs: Queue<number>;
  /** Position of the first seq greater than the read's `afterSeq`. */
  readonly start: number;
}

/** Where a backward read starts in one key's seq list. */
export interface SeqRangeBefore {
  readonly seqs: Queue<number>;
  /** Position after the last seq smaller than the read's `beforeSeq`. */
  readonly end: number;
}

/**
 * A secondary index of the memory log: key (a run id, an event kind) → the ascending seqs of the
 * retained events with that key. Appends push at the end and eviction drops from the front, so
 * both stay O(1); a key whose last event is evicted disappears, so nothing outlives the events.
 */
export class SeqIndex<K> {
  readonly #lists = new Map<K, Queue<number>>();

  add(key: K, seq: number): void {
    let seqs = this.#lists.get(key);
    if (seqs === undefined) {
      seqs = new Queue<number>();
      this.#lists.set(key, seqs);
    }
    seqs.push(seq);
  }

  /** Drops the oldest seq of `key`: called when that event is evicted from the log. */
  removeOldest(key: K): void {
    const seqs = this.#lists.get(key);
    if (seqs === undefined) return;
    seqs.shift();
    if (seqs.length === 0) this.#lists.delete(key);
  }

  /** The seqs of `key` after `afterSeq`, found by binary search; `undefined` when there are none. */
  after(key: K, afterSeq: number): SeqRange | undefined {
    const seqs = this.#lists.get(key);
    if (seqs === undefined) return undefined;
    const start = seqs.indexAfter(afterSeq, identity);
    return start < seqs.length ? { seqs, start } : undefined;
  }

  /** The seqs of `key` before `beforeSeq`: positions `0 .. end - 1`; `undefined` when there are none. */
  before(key: K, beforeSeq: number): SeqRangeBefore | undefined {
    const seqs = this.#lists.get(key);
    if (seqs === undefined) return undefined;
    const end = seqs.indexAfter(beforeSeq - 1, identity);
    return end > 0 ? { seqs, end } : undefined;
  }

  /** Every retained seq of `key`, ascending; `undefined` when there are none. */
  all(key: K): Queue<number> | undefined {
    return this.#lists.get(key);
  }

  /** Number of keys held; lets tests prove that evicted keys leave nothing behind. */
  get size(): number {
    return this.#lists.size;
  }
}
