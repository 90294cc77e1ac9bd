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
