import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/memory/queue.js';

describe('Queue', () => {
  it('is first in, first out, with positional access', () => {
    const queue = new Queue<string>();
    queue.push('a');
    queue.push('b');
    queue.push('c');
    expect([queue.length, queue.at(0), queue.at(2), queue.at(3), queue.at(-1)]).toEqual([
      3,
      'a',
      'c',
      undefined,
      undefined,
    ]);
    expect(queue.shift()).toBe('a');
    expect([queue.length, queue.at(0)]).toEqual([2, 'b']);
    expect(queue.shift()).toBe('b');
    expect(queue.shift()).toBe('c');
    expect(queue.shift()).toBeUndefined();
    expect(queue.length).toBe(0);
  });

  it('stays correct across compactions', () => {
    const queue = new Queue<number>();
    let next = 0;
    let oldest = 0;
    for (let round = 0; round < 50_000; round += 1) {
      queue.push(next++);
      queue.push(next++);
      expect(queue.shift()).toBe(oldest++);
    }
    expect(queue.length).toBe(next - oldest);
    expect(queue.at(0)).toBe(oldest);
    expect(queue.at(queue.length - 1)).toBe(next - 1);
  });

  it('finds the first element after a bound by binary search', () => {
    const queue = new Queue<number>();
    for (const value of [2, 4, 6, 8, 10]) queue.push(value);
    queue.shift();
    const after = (bound: number) => queue.indexAfter(bound, (value) => value);
    expect([after(0), after(4), after(5), after(9), after(10), after(99)]).toEqual([0, 1, 1, 3, 4, 4]);
  });
});
