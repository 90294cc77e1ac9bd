const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** `YYYY-MM-DDTHH:MM:SS[.f…]Z` by shape (digits and separators; ranges are not checked). */
function isCanonicalShape(text: string): boolean {
  const end = text.length - 1;
  if (end < 19 || text.charCodeAt(end) !== 90 /* Z */) return false;
  for (const at of DIGIT_POSITIONS) if (!isDigit(text.charCodeAt(at))) return false;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':')
    return false;
  if (end === 19) return true;
  if (text[19] !== '.' || end === 20) return false;
  for (let at = 20; at < end; at += 1) if (!isDigit(text.charCodeAt(at))) return false;
  return true;
}

/** The number written by `count` digits from `at`. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index += 1) value = value * 10 + text.charCodeAt(index) - 48;
  return value;
}

/** The first six digits of a canonical time's fraction as microseconds (missing digits are 0). */
function fractionMicros(text: string): number {
  let micros = 0;
  const digits = text.length - 21; // between the '.' at 19 and the 'Z'
  for (let index = 0; index < 6; index += 1) {
    micros = micros * 10 + (index < digits ? text.charCodeAt(20 + index) - 48 : 0);
  }
  return micros;
}

// date-time of RFC 3339 section 5.6; group 1 is the fraction's digits.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.(\d+))?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 time as microseconds since the Unix epoch (PostgreSQL's precision, so both backends
 * compare `at` alike; digits past the sixth are dropped), or `null` when `text` is not one. Exact
 * for the years 1685 to 2255 (a double holds 2^53 microseconds); further out it is off by a few
 * microseconds at most.
 */
export function microsOfTime(text: string): number | null {
  // Fast path for the canonical form every stored `at` has (`YYYY-MM-DDTHH:MM:SS[.f…]Z`): the
  // memory log computes it for every appended event, so it is read by character codes.
  if (isCanonicalShape(text)) {
    const ms = Date.UTC(
      digitsAt(text, 0, 4),
      digitsAt(text, 5, 2) - 1,
      digitsAt(text, 8, 2),
      digitsAt(text, 11, 2),
      digitsAt(text, 14, 2),
      digitsAt(text, 17, 2),
    );
    // Date.UTC maps years 0-99 to 1900-1999; those take the general path below.
    if (text.charCodeAt(0) !== 48 || text.charCodeAt(1) !== 48) return ms * 1000 + fractionMicros(text);
  }
  const match = RFC3339.exec(text);
  if (match === null) return null;
  const ms = Date.parse(text.toUpperCase());
  if (Number.isNaN(ms)) return null;
  // Date.parse keeps milliseconds; digits 4 to 6 of the fraction add the microseconds.
  const micros = Number((match[1] ?? '').slice(3, 6).padEnd(3, '0'));
  return ms * 1000 + micros;
}
