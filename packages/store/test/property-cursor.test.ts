import { formatCursor, InvalidCursorError, parseCursor } from '@ironflow/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const SEED = 20_260_502;

const epoch = fc.stringMatching(/^[a-z0-9]{1,32}$/);
const seq = fc.oneof(
  fc.integer({ min: 1, max: 1_000_000 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);

/** Strings near the cursor grammar: valid cursors with one character changed, dropped or added. */
const nearCursor = fc
  .tuple(
    epoch,
    seq,
    fc.nat(),
    fc.constantFrom('replace', 'drop', 'insert'),
    fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
  )
  .map(([e, s, at, how, char]) => {
    const text = formatCursor(e, s);
    const i = at % (text.length + 1);
    if (how === 'drop') return text.slice(0, i) + text.slice(i + 1);
    if (how === 'insert') return text.slice(0, i) + char + text.slice(i);
    return text.slice(0, i) + char + text.slice(i + 1);
  });

function parseOrInvalid(text: unknown): ReturnType<typeof parseCursor> | InvalidCursorError {
  try {
    return parseCursor(text as string);
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    return error;
  }
}

describe('cursors, property-based', () => {
  it('parseCursor(formatCursor(epoch, seq)) gives back epoch and seq', () => {
    fc.assert(
      fc.property(epoch, seq, (e, s) => {
        expect(parseCursor(formatCursor(e, s))).toEqual({ epoch: e, seq: s });
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it('orders the cursors of one epoch as text exactly as their seqs', () => {
    fc.assert(
      fc.property(epoch, seq, seq, (e, a, b) => {
        const [x, y] = [formatCursor(e, a), formatCursor(e, b)];
        expect(Math.sign(x < y ? -1 : x > y ? 1 : 0)).toBe(Math.sign(a - b));
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it('on any string either parses to a cursor that formats back to the same text or throws InvalidCursorError naming it', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      nearCursor,
      fc.string({ unit: 'grapheme' }),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseOrInvalid(text);
        if (result instanceof InvalidCursorError) {
          const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
          expect(result.message).toBe(`invalid cursor: ${shown}`);
          expect(result).toMatchObject({ status: 400, expose: true });
        } else {
          expect(formatCursor(result.epoch, result.seq)).toBe(text);
        }
      }),
      { seed: SEED, numRuns: 10_000 },
    );
  });

  it('throws only InvalidCursorError for values that are not strings at all', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        fc.pre(typeof value !== 'string');
        expect(parseOrInvalid(value)).toBeInstanceOf(InvalidCursorError);
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });
});
