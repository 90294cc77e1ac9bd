import { badRequest, echoInput } from '../errors.js';

/** A parsed query string as Koa gives it. */
export type RawQuery = Readonly<Record<string, string | string[] | undefined>>;

/** The one value of `name`; `undefined` when absent or empty. A repeated parameter is a `400`. */
export function singleParam(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw badRequest(`${name} may be given only once`);
  return value === '' ? undefined : value;
}

/**
 * An integer parameter in `min..max`; `undefined` when absent or empty. Anything else is a `400`
 * naming the parameter and its allowed range.
 */
export function integerParam(query: RawQuery, name: string, min: number, max: number): number | undefined {
  const text = singleParam(query, name);
  if (text === undefined) return undefined;
  // Digits only: Number() would also take ' 1', '1e3', '0x10'.
  const value = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw badRequest(`invalid ${name}: ${echoInput(text)} (an integer from ${min} to ${max})`);
  }
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID parameter, lowercased as events carry ids. */
export function uuidParam(query: RawQuery, name: string): string | undefined {
  const text = singleParam(query, name);
  if (text === undefined) return undefined;
  if (!UUID.test(text)) throw badRequest(`invalid ${name}: ${echoInput(text)}`);
  return text.toLowerCase();
}

// date-time of RFC 3339 section 5.6. Groups: 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second,
// 7 offset hours, 8 offset minutes.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * An RFC 3339 time parameter (any offset), passed on as given. Checked field by field, not with
 * `Date.parse`, which takes February 30 and 24:00 that PostgreSQL refuses; year 0 is refused
 * too (PostgreSQL has none), as are leap seconds.
 */
export function timeParam(query: RawQuery, name: string): string | undefined {
  const text = singleParam(query, name);
  if (text === undefined) return undefined;
  const match = RFC3339.exec(text);
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = (match?.slice(1) ?? []).map(
    (group) => Number(group ?? 0),
  ) as (number | undefined)[];
  const valid =
    match !== null &&
    (year as number) >= 1 &&
    (month as number) >= 1 &&
    (month as number) <= 12 &&
    (day as number) >= 1 &&
    (day as number) <= daysInMonth(year as number, month as number) &&
    (hour as number) <= 23 &&
    (minute as number) <= 59 &&
    (second as number) <= 59 &&
    (offsetHours as number) <= 23 &&
    (offsetMinutes as number) <= 59;
  if (!valid) {
    throw badRequest(`invalid ${name}: ${echoInput(text)} (an RFC 3339 time, e.g. 2025-01-02T03:04:05Z)`);
  }
  return text;
}
