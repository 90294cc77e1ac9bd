import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { microsOfTime } from '../src/time-key.js';

describe('microsOfTime', () => {
  it('reads times to the microsecond, dropping further digits, at any offset', () => {
    expect(microsOfTime('2025-01-02T03:04:05Z')).toBe(Date.UTC(2025, 0, 2, 3, 4, 5) * 1000);
    expect(microsOfTime('2025-01-02T03:04:05.123456789Z')).toBe(
      Date.UTC(2025, 0, 2, 3, 4, 5, 123) * 1000 + 456,
    );
    expect(microsOfTime('2025-01-02T05:04:05.5+02:00')).toBe(Date.UTC(2025, 0, 2, 3, 4, 5, 500) * 1000);
    expect(microsOfTime('0001-01-01T00:00:00.000001Z')).toBe(Date.parse('0001-01-01T00:00:00Z') * 1000 + 1);
    expect(microsOfTime('1969-12-31T23:59:59.999999Z')).toBe(-1);
    expect(microsOfTime('yesterday')).toBeNull();
    expect(microsOfTime('2025-01-02 03:04:05Z')).toBeNull();
  });

  it('gives the canonical Z form the same value as the same instant at another offset', () => {
    fc.assert(
      fc.property(
        // Microseconds since 1970 stay exact integers from 1685 to 2255 (2^53).
        fc.date({
          min: new Date('1700-01-01T00:00:00Z'),
          max: new Date('2250-12-30T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.stringMatching(/^\d{0,9}$/),
        (date, digits) => {
          const fraction = digits === '' ? '' : `.${digits}`;
          const utc = `${date.toISOString().slice(0, 19)}${fraction}Z`;
          const shifted = new Date(date.getTime() + 90 * 60_000).toISOString().slice(0, 19);
          expect(microsOfTime(utc)).toBe(microsOfTime(`${shifted}${fraction}+01:30`));
        },
      ),
    );
  });
});

describe('microsOfTime: the canonical fast path', () => {
  // The canonical path as it was written before it read character codes (regex and slices): the
  // fast path must give the same number for every string, including out-of-range fields.
  const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
  const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.(\d+))?(?:[Zz]|[+-]\d{2}:\d{2})$/;
  function before(text: string): number | null {
    if (CANONICAL.test(text)) {
      const ms = Date.UTC(
        Number(text.slice(0, 4)),
        Number(text.slice(5, 7)) - 1,
        Number(text.slice(8, 10)),
        Number(text.slice(11, 13)),
        Number(text.slice(14, 16)),
        Number(text.slice(17, 19)),
      );
      if (text.charCodeAt(0) !== 48 || text.charCodeAt(1) !== 48) {
        return ms * 1000 + Number(text.slice(20, -1).padEnd(6, '0').slice(0, 6));
      }
    }
    const match = RFC3339.exec(text);
    if (match === null) return null;
    const ms = Date.parse(text.toUpperCase());
    if (Number.isNaN(ms)) return null;
    return ms * 1000 + Number((match[1] ?? '').slice(3, 6).padEnd(3, '0'));
  }

  const digits = (count: number) => fc.stringMatching(new RegExp(`^\\d{${count}}$`));
  const canonicalish = fc
    .tuple(
      digits(4),
      digits(2),
      digits(2),
      digits(2),
      digits(2),
      digits(2),
      fc.stringMatching(/^(\.\d{0,9})?$/),
      fc.array(
        fc.tuple(fc.nat(30), fc.constantFrom('0', '9', 'T', 't', 'Z', 'z', '-', ':', '.', ' ', '\u0663')),
        {
          maxLength: 1,
        },
      ),
    )
    .map(([y, mo, d, h, mi, s, fraction, edits]) => {
      let text = `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}Z`;
      for (const [at, char] of edits)
        text = text.slice(0, at % text.length) + char + text.slice((at % text.length) + 1);
      return text;
    });

  it('gives what the regex-and-slices form gave, for any canonical-looking string (out-of-range fields too)', () => {
    fc.assert(
      fc.property(canonicalish, (text) => {
        expect(microsOfTime(text)).toBe(before(text));
      }),
      { seed: 20_261_204, numRuns: 5000 },
    );
  });
});
