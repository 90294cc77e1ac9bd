// date-time of RFC 3339 section 5.6; group 1 is the fraction's digits.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.(\d+))?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 time as microseconds since the Unix epoch (PostgreSQL's precision, so both backends
 * compare `at` alike; digits past the sixth are dropped), or `null` when `text` is not one.
 */
export function microsOfTime(text: string): number | null {
  const match = RFC3339.exec(text);
  if (match === null) return null;
  const ms = Date.parse(text.toUpperCase());
  if (Number.isNaN(ms)) return null;
  // Date.parse keeps milliseconds; digits 4 to 6 of the fraction add the microseconds.
  const micros = Number((match[1] ?? '').slice(3, 6).padEnd(3, '0'));
  return ms * 1000 + micros;
}
