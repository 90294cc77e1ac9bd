import * as z from 'zod';
import { normalizeRfc3339Time } from './rfc3339-time.js';
import { RUN_STATUSES } from './run-status.js';

// The building blocks of the event schemas: one schema per field type, built once at module load.

/** The streams a log line can come from. */
export const LOG_STREAMS = Object.freeze(['stdout', 'stderr', 'system'] as const);

/** The stream a log line came from. */
export type LogStream = (typeof LOG_STREAMS)[number];

// Any version nibble: producers mint v4 and v7 ids, and imported runs may carry others.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One error message per field type; a missing field says `required` instead. */
const expected =
  (what: string) =>
  (issue: { readonly input?: unknown }): string =>
    issue.input === undefined ? 'required' : `expected ${what}`;

const uuidMessage = expected('a UUID (8-4-4-4-12 hexadecimal digits)');
/** A UUID in any case; output lowercase. */
export const uuidField = z.string({ error: uuidMessage }).regex(UUID, { error: uuidMessage }).toLowerCase();

const timeMessage = expected('an RFC 3339 time such as 2026-01-02T03:04:05Z');
/** An RFC 3339 time with any offset; output UTC ending in `Z` with the given fraction digits. */
export const timeField = z.string({ error: timeMessage }).transform((text, ctx) => {
  const normalized = normalizeRfc3339Time(text);
  if (normalized !== null) return normalized;
  ctx.issues.push({ code: 'custom', input: text, message: timeMessage({ input: text }) });
  return z.NEVER;
});

/** `at`: a time, now (ISO, milliseconds, `Z`) when absent. */
export const atField = timeField.default(() => new Date().toISOString());

const nonEmptyMessage = expected('a non-empty string');
/** A string with at least one character (names, messages, step kinds). */
export const nonEmptyStringField = z.string({ error: nonEmptyMessage }).min(1, { error: nonEmptyMessage });

/** Any string, including the empty one (a log line may be blank). */
export const stringField = z.string({ error: expected('a string') });

/** A string or `null`; `null` when absent. */
export const nullableStringField = z
  .string({ error: expected('a string or null') })
  .nullable()
  .default(null);

const costMessage = expected('a finite number >= 0');
/** US dollars: a finite number, never negative. */
export const costUsdField = z.number({ error: costMessage }).min(0, { error: costMessage });

const durationMessage = expected('an integer number of milliseconds >= 0');
/** Milliseconds: a safe integer, never negative. */
export const durationMsField = z
  .number({ error: durationMessage })
  .int({ error: durationMessage })
  .min(0, { error: durationMessage });

const labelRecord = z.record(z.string(), z.string({ error: 'expected a string label value' }), {
  error: expected('an object of string to string'),
});

/** An object of string to string, in the given key order; `{}` when absent. */
export const labelsField = z
  .preprocess((value, ctx) => {
    // zod drops a `__proto__` key from records without a word (assigning it would replace the prototype);
    // refuse it instead of silently losing the label.
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        path: ['__proto__'],
        message: 'label key "__proto__" is not allowed',
      });
    }
    return value;
  }, labelRecord)
  .default(() => ({}));

/** A run status. */
export const runStatusField = z.enum(RUN_STATUSES, { error: expected(`one of ${RUN_STATUSES.join(', ')}`) });

/** A log stream. */
export const logStreamField = z.enum(LOG_STREAMS, { error: expected(`one of ${LOG_STREAMS.join(', ')}`) });
