import { describe, expect, it } from 'vitest';
import { SeqIndex } from '../../src/memory/seq-index.js';

describe('SeqIndex', () => {
  it('finds the seqs of a key after a given seq', () => {
    const index = new SeqIndex<string>();
    for (const [key, seq] of [
      ['a', 1],
      ['b', 2],
      ['a', 3],
      ['a', 5],
      ['b', 6],
    ] as const)
      index.add(key, seq);
    const range = index.after('a', 1);
    expect(range?.start).toBe(1);
    expect(range?.seqs.at(range.start)).toBe(3);
    expect(index.after('a', 5)).toBeUndefined();
    expect(index.after('missing', 0)).toBeUndefined();
  });

  it('forgets a key once its last seq is removed', () => {
    const index = new SeqIndex<string>();
    index.add('a', 1);
    index.add('b', 2);
    index.add('a', 3);
    index.removeOldest('a');
    index.removeOldest('b');
    expect(index.size).toBe(1);
    index.removeOldest('a');
    expect(index.size).toBe(0);
    index.removeOldest('a');
    expect(index.size).toBe(0);
  });
});
