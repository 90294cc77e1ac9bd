// Below this many dropped slots compaction is not worth an allocation.
const MIN_COMPACT = 1024;

/**
 * A FIFO over a plain array with a head offset: `push` and `shift` are amortised O(1) and `at`
 * is O(1). `Array#shift` would move every element on each eviction; instead dropped slots are
 * cleared and the array is compacted once they make up half of it.
 */
export class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The element at logical position `index` (0 is the oldest), or `undefined` outside. */
  at(index: number): T | undefined {
    return index >= 0 ? this.#items[this.#head + index] : undefined;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns the oldest element. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    // Clear the slot so the dropped element can be collected before the next compaction.
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= MIN_COMPACT && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /**
   * Position of the first element whose `key` is greater than `bound`, by binary search; the
   * elements must be in ascending order of `key`. Returns `length` when there is none.
   */
  indexAfter(bound: number, key: (item: T) => number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (key(this.#items[this.#head + middle] as T) > bound) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
