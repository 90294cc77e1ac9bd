import * as z from 'zod';
import { documented } from './field-doc.js';
import { normalizeRfc3339Time } from './rfc3339-time.js';
import { RUN_STATUSES } from './run-status.js';
import { uuidV7 } from './uuid-v7.js';

// The building blocks of the event schemas: one schema per field type, built once at module load, each
// with the words the generated documentation uses for it.

/** The streams a log line can come from. */
export const LOG_STREAMS = Object.freeze(['stdout', 'stderr', 'system'] as const);

/** The stream a log line came from. */
export type LogStream = (typeof LOG_STREAMS)[number];

// Any version nibble: producers mint v4 and v7 ids, and imported runs may carry others.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One error message per field type; a missing field says `required` instead. */
export const expected =
  (what: string) =>
  (issue: { readonly input?: unknown }): string =>
    issue.input === undefined ? 'required' : `expected ${what}`;

const uuidMessage = expected('a UUID (8-4-4-4-12 hexadecimal digits)');
const uuid = () => z.string({ error: uuidMessage }).regex(UUID, { error: uuidMessage }).toLowerCase();

/** A UUID in any case; output lowercase. */
export const uuidField = documented(uuid(), { type: 'UUID' });

/** A UUID or `null`; `null` when absent (`step_id` of the approval decisions). */
export const nullableUuidField = documented(uuid().nullable().default(null), {
  type: 'UUID or null',
  default: 'null',
});

/** The id of a log line: a UUID, a new UUID v7 when absent (older producers sent none). */
export const logLineIdField = documented(
  uuid().default(() => uuidV7()),
  { type: 'UUID', default: 'a new UUID v7' },
);

/** A list of UUIDs, in the given order. */
export const uuidListField = documented(z.array(uuid(), { error: expected('an array of UUIDs') }), {
  type: 'array of UUIDs',
});

const timeMessage = expected('an RFC 3339 time such as 2026-01-02T03:04:05Z');
/** An RFC 3339 time with any offset; output UTC ending in `Z` with the given fraction digits. */
export const timeField = documented(
  z.string({ error: timeMessage }).transform((text, ctx) => {
    const normalized = normalizeRfc3339Time(text);
    if (normalized !== null) return normalized;
    ctx.issues.push({ code: 'custom', input: text, message: timeMessage({ input: text }) });
    return z.NEVER;
  }),
  { type: 'time' },
);

/** `at`: a time, now (ISO, milliseconds, `Z`) when absent. */
export const atField = documented(
  timeField.default(() => new Date().toISOString()),
  { type: 'time', default: 'now' },
);

/** A time or `null`; `null` when absent. */
export const nullableTimeField = documented(timeField.nullable().default(null), {
  type: 'time or null',
  default: 'null',
});

const nonEmptyMessage = expected('a non-empty string');
const nonEmpty = () => z.string({ error: nonEmptyMessage }).min(1, { error: nonEmptyMessage });

/** A string with at least one character (names, messages, versions). */
export const nonEmptyStringField = documented(nonEmpty(), { type: 'non-empty string' });

/**
 * The kind of a step: `shell`, `http`, `agent`, `workflow` or any other non-empty string (a custom
 * operation, passed through as given).
 */
export const stepKindField = documented(nonEmpty(), { type: 'StepKind' });

/** Any string, including the empty one (a log line may be blank). */
export const stringField = documented(z.string({ error: expected('a string') }), { type: 'string' });

/** A string or `null`; `null` when absent. */
export const nullableStringField = documented(
  z
    .string({ error: expected('a string or null') })
    .nullable()
    .default(null),
  { type: 'string or null', default: 'null' },
);

const moneyMessage = expected('a finite number >= 0');
/** US dollars: a finite number, never negative. */
export const moneyField = documented(z.number({ error: moneyMessage }).min(0, { error: moneyMessage }), {
  type: 'number >= 0 (USD)',
});

const durationMessage = expected('an integer number of milliseconds >= 0');
/** Milliseconds: a safe integer, never negative. */
export const durationMsField = documented(
  z.number({ error: durationMessage }).int({ error: durationMessage }).min(0, { error: durationMessage }),
  { type: 'integer >= 0 (milliseconds)' },
);

const countMessage = expected('an integer >= 0');
const count = () =>
  z.number({ error: countMessage }).int({ error: countMessage }).min(0, { error: countMessage });

/** A count or index: a safe integer, never negative. */
export const countField = documented(count(), { type: 'integer >= 0' });

/** A count that is 1 when absent (`approvals_received`, `approvals_required` of older producers). */
export const countDefaultOneField = documented(count().default(1), { type: 'integer >= 0', default: '1' });

/** The most entries `labels` may hold. */
export const MAX_LABELS = 1000;

/** How many label values that are not strings are named one by one; the rest are counted. */
const MAX_LABEL_VALUE_ISSUES = 10;
const LABEL_VALUE_MESSAGE = 'expected a string label value';

const labelRecord = z.record(z.string(), z.string({ error: LABEL_VALUE_MESSAGE }), {
  error: expected('an object of string to string'),
});

/** An object of string to string (at most 1000 entries), in the given key order; `{}` when absent. */
export const labelsField = documented(
  z
    .preprocess((value, ctx) => {
      if (typeof value !== 'object' || value === null) return value;
      // zod drops a `__proto__` key from records without a word (assigning it would replace the
      // prototype); refuse it instead of silently losing the label.
      if (Object.hasOwn(value, '__proto__')) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          path: ['__proto__'],
          message: 'label key "__proto__" is not allowed',
        });
      }
      const size = Object.keys(value).length;
      if (size > MAX_LABELS) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `expected at most ${MAX_LABELS} labels, received ${size}`,
        });
        return value;
      }
      // Checked here rather than by the record schema, which builds an issue for every bad value
      // (1000 labels × 190 events of a 2 MiB batch took the event loop for about a second): the
      // first few are named, the rest counted in one issue, and an issue here ends the parse.
      let notStrings = 0;
      for (const [key, label] of Object.entries(value)) {
        if (typeof label === 'string') continue;
        notStrings += 1;
        if (notStrings <= MAX_LABEL_VALUE_ISSUES) {
          ctx.issues.push({ code: 'custom', input: label, path: [key], message: LABEL_VALUE_MESSAGE });
        }
      }
      if (notStrings > MAX_LABEL_VALUE_ISSUES) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `and ${notStrings - MAX_LABEL_VALUE_ISSUES} more label values that are not strings`,
        });
      }
      return value;
    }, labelRecord)
    .default(() => ({})),
  { type: `object of string to string (at most ${MAX_LABELS} entries)`, default: '{}' },
);

/** A run status. */
export const runStatusField = documented(
  z.enum(RUN_STATUSES, { error: expected(`one of ${RUN_STATUSES.join(', ')}`) }),
  { type: 'RunStatus' },
);

/** A log stream. */
export const logStreamField = documented(
  z.enum(LOG_STREAMS, { error: expected(`one of ${LOG_STREAMS.join(', ')}`) }),
  { type: 'log stream: `stdout`, `stderr` or `system`' },
);
