const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
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
  // memory log computes it for every appended event.
  if (CANONICAL.test(text)) {
    const ms = Date.UTC(
      Number(text.slice(0, 4)),
      Number(text.slice(5, 7)) - 1,
      Number(text.slice(8, 10)),
      Number(text.slice(11, 13)),
      Number(text.slice(14, 16)),
      Number(text.slice(17, 19)),
    );
    // Date.UTC maps years 0-99 to 1900-1999; those take the general path below.
    if (text.charCodeAt(0) !== 48 || text.charCodeAt(1) !== 48) {
      return ms * 1000 + Number(text.slice(20, -1).padEnd(6, '0').slice(0, 6));
    }
  }
  const match = RFC3339.exec(text);
  if (match === null) return null;
  const ms = Date.parse(text.toUpperCase());
  if (Number.isNaN(ms)) return null;
  // Date.parse keeps milliseconds; digits 4 to 6 of the fraction add the microseconds.
  const micros = Number((match[1] ?? '').slice(3, 6).padEnd(3, '0'));
  return ms * 1000 + micros;
}
