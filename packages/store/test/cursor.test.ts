import { formatCursor, InvalidCursorError, parseCursor } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { cursorFormatter } from '../src/cursor.js';

describe('formatCursor', () => {
  it('writes <epoch>-<seq as 16 zero-padded digits>', () => {
    expect(formatCursor('abc123', 1)).toBe('abc123-0000000000000001');
    expect(formatCursor('z', 42)).toBe('z-0000000000000042');
    expect(formatCursor('e'.repeat(32), Number.MAX_SAFE_INTEGER)).toBe(`${'e'.repeat(32)}-9007199254740991`);
  });

  it('orders cursors of one epoch as text exactly as their seqs', () => {
    const seqs = [1, 2, 9, 10, 99, 100, 12_345, 1_000_000, Number.MAX_SAFE_INTEGER];
    const cursors = seqs.map((seq) => formatCursor('epoch', seq));
    expect([...cursors].sort()).toEqual(cursors);
  });

  it.each([
    ['', 1],
    ['ABC', 1],
    ['a-b', 1],
    ['e'.repeat(33), 1],
    ['abc', 0],
    ['abc', -1],
    ['abc', 1.5],
    ['abc', Number.NaN],
    ['abc', Number.MAX_SAFE_INTEGER + 1],
  ])('refuses epoch %j with seq %d', (epoch, seq) => {
    expect(() => formatCursor(epoch, seq)).toThrow(RangeError);
  });
});

describe('parseCursor', () => {
  it('reads what formatCursor writes', () => {
    for (const [epoch, seq] of [
      ['abc123', 1],
      ['0', 77],
      ['e'.repeat(32), Number.MAX_SAFE_INTEGER],
    ] as const) {
      expect(parseCursor(formatCursor(epoch, seq))).toEqual({ epoch, seq });
    }
  });

  it.each([
    '',
    'earliest',
    'abc',
    'abc-',
    '-0000000000000001',
    'abc-1',
    'abc-000000000000001',
    'abc-00000000000000001',
    'abc-0000000000000000',
    'abc-9999999999999999',
    'abc-000000000000001a',
    'abc-+000000000000001',
    'ABC-0000000000000001',
    'a_c-0000000000000001',
    'a-b-0000000000000001',
    `${'e'.repeat(33)}-0000000000000001`,
    ' abc-0000000000000001',
    'abc-0000000000000001 ',
    'abc-0000000000000001\n',
  ])('rejects %j with InvalidCursorError', (text) => {
    const error = (() => {
      try {
        parseCursor(text);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidCursorError);
    expect(error).toMatchObject({
      message: `invalid cursor: ${text}`,
      code: 'INVALID_CURSOR',
      status: 400,
      expose: true,
      cursor: text,
    });
  });

  it('bounds how much of a huge cursor the message repeats', () => {
    expect(() => parseCursor('x'.repeat(10_000))).toThrow(/^invalid cursor: x{200}…$/);
  });

  it('rejects a value that is not a string', () => {
    expect(() => parseCursor(42 as unknown as string)).toThrow('invalid cursor: 42');
  });
});

describe('cursorFormatter', () => {
  it('formats as formatCursor does, and throws what it throws', () => {
    const cursorOf = cursorFormatter('abc123');
    for (const seq of [1, 42, 2 ** 53 - 1]) expect(cursorOf(seq)).toBe(formatCursor('abc123', seq));
    for (const seq of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => cursorOf(seq)).toThrow(RangeError);
      expect(() => cursorOf(seq)).toThrow(/cursor seq must be a positive safe integer/);
    }
    expect(() => cursorFormatter('Bad-Epoch')).toThrow(/cursor epoch must be 1 to 32 characters/);
  });
});
