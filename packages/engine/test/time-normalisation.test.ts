import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../src/index.js';
import { isValidCanonicalTime, normalizeByPattern, normalizeRfc3339Time } from '../src/rfc3339-time.js';
import { example } from './fixtures.js';

function atOf(at: string): string | null {
  const result = validateEvent({ ...example('run_created'), at });
  return result.ok ? result.event.at : null;
}

describe('time normalisation', () => {
  it.each([
    ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z'],
    ['2026-01-02T03:04:05.123Z', '2026-01-02T03:04:05.123Z'],
    ['2026-01-02T03:04:05.123456+02:00', '2026-01-02T01:04:05.123456Z'],
    ['2026-01-02T03:04:05.1-00:30', '2026-01-02T03:34:05.1Z'],
    ['2026-01-02T03:04:05+00:00', '2026-01-02T03:04:05Z'],
    ['2026-01-02T03:04:05-00:00', '2026-01-02T03:04:05Z'],
    ['2026-01-02t03:04:05z', '2026-01-02T03:04:05Z'],
    ['2026-01-02T03:04:05.000000000z', '2026-01-02T03:04:05.000000000Z'],
    // Offsets that cross a day, a month, a year and a leap day.
    ['2026-01-01T01:00:00+05:30', '2025-12-31T19:30:00Z'],
    ['2025-12-31T22:00:00.5-03:00', '2026-01-01T01:00:00.5Z'],
    ['2024-03-01T00:15:00+01:00', '2024-02-29T23:15:00Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z'],
    ['0050-06-15T12:00:00+01:00', '0050-06-15T11:00:00Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('%s → %s', (input, output) => {
    expect(atOf(input)).toBe(output);
  });

  it('returns a value already in Z form unchanged (same string)', () => {
    const at = '2026-01-02T03:04:05.987654321Z';
    expect(atOf(at)).toBe(at);
  });

  it.each([
    '2026-01-02',
    '2026-01-02T03:04Z',
    '2026-01-02T03:04:05',
    '2026-01-02 03:04:05Z',
    '2026-01-02T03:04:05.Z',
    '2026-01-02T03:04:05+0200',
    '2026-01-02T03:04:05+02',
    '2026-13-02T03:04:05Z',
    '2026-00-02T03:04:05Z',
    '2026-01-00T03:04:05Z',
    '2026-04-31T03:04:05Z',
    '2025-02-29T03:04:05Z',
    '1900-02-29T03:04:05Z',
    '2026-01-02T24:00:00Z',
    '2026-01-02T03:60:05Z',
    '2026-12-31T23:59:60Z',
    '2026-01-02T03:04:05+24:00',
    '2026-01-02T03:04:05+02:60',
    '0000-01-01T00:30:00+01:00',
    '9999-12-31T23:30:00-01:00',
    '+02026-01-02T03:04:05Z',
    ' 2026-01-02T03:04:05Z',
    '2026-01-02T03:04:05Z\n',
    '２０２６-01-02T03:04:05Z',
  ])('rejects %j', (input) => {
    expect(atOf(input)).toBeNull();
  });
});

describe('time normalisation: the canonical fast check', () => {
  // Canonical-looking strings with one or two characters swapped for ones that break them.
  const canonicalish = fc
    .tuple(
      fc.date({
        min: new Date('0000-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59Z'),
        noInvalidDate: true,
      }),
      fc.array(
        fc.tuple(
          fc.nat(30),
          fc.constantFrom('0', '9', '3', '6', 'T', 't', 'Z', 'z', '-', ':', '.', ' ', '+', '٣'),
        ),
        {
          maxLength: 2,
        },
      ),
      fc.constantFrom('', '.5', '.123456789', '.'),
    )
    .map(([date, edits, fraction]) => {
      let text = date.toISOString().slice(0, 19) + fraction + 'Z';
      for (const [at, char] of edits)
        text = text.slice(0, at % text.length) + char + text.slice((at % text.length) + 1);
      return text;
    });

  it('accepts only what the pattern returns unchanged, and every canonical time the pattern accepts', () => {
    fc.assert(
      fc.property(canonicalish, (text) => {
        const unchanged = normalizeByPattern(text) === text && text[10] === 'T' && text.endsWith('Z');
        expect(isValidCanonicalTime(text)).toBe(unchanged);
        expect(normalizeRfc3339Time(text)).toBe(normalizeByPattern(text));
      }),
      { seed: 20_261_204, numRuns: 5000 },
    );
  });

  it.each([
    '2026-02-29T00:00:00Z',
    '2024-02-29T24:00:00Z',
    '2026-01-02T03:04:05.Z',
    '2026-01-02T03:04:60Z',
    '2026-1-02T03:04:05Z',
  ])('%s is refused by both', (text) => {
    expect(isValidCanonicalTime(text)).toBe(false);
    expect(normalizeRfc3339Time(text)).toBe(null);
  });
});
