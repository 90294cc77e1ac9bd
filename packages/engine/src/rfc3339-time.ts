// date-time from RFC 3339 section 5.6; `T`/`Z` may be lowercase (section 5.6, NOTE). Groups:
// 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7 fraction, 8 `Z`, 9 sign, 10 offset hours, 11 minutes.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** The number written by the two digits at `at` (both known to be digits). */
const twoDigits = (text: string, at: number): number =>
  (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;

/**
 * Whether `text` is a real time already in canonical form, `YYYY-MM-DDTHH:MM:SS[.f…]Z` (upper-case
 * `T` and `Z`): the form nearly every producer sends, told here without the regex's match array.
 * What it accepts the general path below would return unchanged; anything else goes there.
 */
export function isValidCanonicalTime(text: string): boolean {
  const end = text.length - 1;
  if (end < 19 || text.charCodeAt(end) !== 90 /* Z */) return false;
  for (const at of DIGIT_POSITIONS) if (!isDigit(text.charCodeAt(at))) return false;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':')
    return false;
  if (end > 19) {
    if (text[19] !== '.' || end === 20) return false;
    for (let at = 20; at < end; at += 1) if (!isDigit(text.charCodeAt(at))) return false;
  }
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    twoDigits(text, 11) <= 23 &&
    twoDigits(text, 14) <= 59 &&
    twoDigits(text, 17) <= 59
  );
}

/**
 * Validates an RFC 3339 time and converts it to UTC ending in `Z`, keeping exactly the fraction digits
 * given (no rounding, no padding). A value already in canonical `…T…Z` form is returned unchanged.
 * Returns `null` when `text` is not a real RFC 3339 time. Leap seconds (`:60`) are rejected: nothing
 * downstream (JavaScript `Date`, PostgreSQL) can represent them.
 */
export function normalizeRfc3339Time(text: string): string | null {
  return isValidCanonicalTime(text) ? text : normalizeByPattern(text);
}

/** {@link normalizeRfc3339Time} for any input, through the RFC 3339 pattern. */
export function normalizeByPattern(text: string): string | null {
  const match = RFC3339.exec(text);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;

  if (match[8] !== undefined) {
    // Already UTC: only the letters may need upper-casing. The common case allocates nothing.
    return match[8] === 'Z' && text[10] === 'T' ? text : `${text.slice(0, 10)}T${text.slice(11, -1)}Z`;
  }

  const offsetHours = Number(match[10]);
  const offsetMinutes = Number(match[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const offset = (match[9] === '+' ? 1 : -1) * (offsetHours * 60 + offsetMinutes);

  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999; setUTCHours carries overflow.
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute - offset, second, 0);
  const utcYear = utc.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return null;
  const date = `${pad(utcYear, 4)}-${pad(utc.getUTCMonth() + 1, 2)}-${pad(utc.getUTCDate(), 2)}`;
  const time = `${pad(utc.getUTCHours(), 2)}:${pad(utc.getUTCMinutes(), 2)}:${pad(utc.getUTCSeconds(), 2)}`;
  return `${date}T${time}${match[7] ?? ''}Z`;
}
