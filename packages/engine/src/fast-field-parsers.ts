import * as z from 'zod';
import {
  atField,
  countDefaultOneField,
  countField,
  durationMsField,
  labelsField,
  MAX_LABELS,
  moneyField,
  nonEmptyStringField,
  nullableStringField,
  nullableUuidField,
  stepKindField,
  stringField,
  timeField,
  uuidField,
  uuidListField,
} from './field-schemas.js';
import { normalizeRfc3339Time } from './rfc3339-time.js';

// Fast parsers of the field schemas, for the well-formed values ingest sees all day: each returns what
// its zod schema would output, or NOT_FAST for anything it does not recognise as valid (then zod parses
// the whole event, so refusals keep zod's messages). They may decline a valid value, never accept an
// invalid one; test/fast-field-parsers.test.ts holds every one to its schema.

/** A parser's answer for a value it leaves to zod. */
export const NOT_FAST: unique symbol = Symbol('not fast');

/** Parses a field's value (`undefined` when absent) as its schema would, or returns {@link NOT_FAST}. */
export type FastFieldParser = (value: unknown) => unknown;

/** UUID_PATTERN told by character codes: lower-case ids (nearly all) are returned without a copy. */
function uuid(value: unknown): unknown {
  if (typeof value !== 'string' || value.length !== 36) return NOT_FAST;
  let upper = false;
  for (let at = 0; at < 36; at += 1) {
    const code = value.charCodeAt(at);
    if (at === 8 || at === 13 || at === 18 || at === 23) {
      if (code !== 45 /* - */) return NOT_FAST;
    } else if (code >= 65 && code <= 70 /* A-F */) {
      upper = true;
    } else if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102))) {
      return NOT_FAST;
    }
  }
  return upper ? value.toLowerCase() : value;
}

const time = (value: unknown): unknown =>
  typeof value === 'string' ? (normalizeRfc3339Time(value) ?? NOT_FAST) : NOT_FAST;

const nonEmpty = (value: unknown): unknown =>
  typeof value === 'string' && value.length > 0 ? value : NOT_FAST;

const string = (value: unknown): unknown => (typeof value === 'string' ? value : NOT_FAST);

const count = (value: unknown): unknown =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : NOT_FAST;

/** `labels`: a plain object of at most MAX_LABELS string values, copied as zod's record copies it. */
function labels(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return NOT_FAST;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_FAST;
  // zod's plain-object test looks at the constructor; an own `constructor` function is left to it.
  const ctor = (value as { constructor?: unknown }).constructor;
  if (typeof ctor === 'function' && ctor !== Object) return NOT_FAST;
  // The record walks symbol keys too (and refuses them).
  if (Object.getOwnPropertySymbols(value).length > 0) return NOT_FAST;
  const keys = Object.keys(value);
  if (keys.length > MAX_LABELS) return NOT_FAST;
  const copy: Record<string, string> = {};
  for (const key of keys) {
    const label = (value as Record<string, unknown>)[key];
    if (typeof label !== 'string' || key === '__proto__') return NOT_FAST;
    copy[key] = label;
  }
  return copy;
}

function uuidList(value: unknown): unknown {
  if (!Array.isArray(value)) return NOT_FAST;
  const list: unknown[] = [];
  for (let index = 0; index < value.length; index += 1) {
    const id = uuid(value[index]);
    if (id === NOT_FAST) return NOT_FAST;
    list.push(id);
  }
  return list;
}

/** A defaulted field: `undefined` takes the schema's own default (a fresh value, as zod makes it). */
function defaulted(schema: z.ZodType, present: FastFieldParser): FastFieldParser {
  return (value) => (value === undefined ? fromSchema(schema)(value) : present(value));
}

const orNull =
  (present: FastFieldParser): FastFieldParser =>
  (value) =>
    value === null ? null : present(value);

/** Any field schema without a fast parser: the field alone through zod. */
const fromSchema =
  (schema: z.ZodType): FastFieldParser =>
  (value) => {
    const result = schema.safeParse(value);
    return result.success ? result.data : NOT_FAST;
  };

const FAST = new Map<z.ZodType, FastFieldParser>([
  [uuidField, uuid],
  [nullableUuidField, defaulted(nullableUuidField, orNull(uuid))],
  [uuidListField, uuidList],
  [timeField, time],
  [atField, defaulted(atField, time)],
  [nonEmptyStringField, nonEmpty],
  [stepKindField, nonEmpty],
  [stringField, string],
  [nullableStringField, defaulted(nullableStringField, orNull(string))],
  [
    moneyField,
    (value) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : NOT_FAST),
  ],
  [durationMsField, count],
  [countField, count],
  [countDefaultOneField, defaulted(countDefaultOneField, count)],
  [labelsField, defaulted(labelsField, labels)],
]);

/**
 * The fast parser of a field schema of the event table: its own when it has one, an enum's from the
 * enum's values, else the schema itself run on the field alone (exact, only not faster).
 */
export function fastFieldParser(schema: z.ZodType): FastFieldParser {
  const own = FAST.get(schema);
  if (own !== undefined) return own;
  if (schema instanceof z.ZodEnum) {
    const values: ReadonlySet<unknown> = new Set(schema.options);
    return (value) => (typeof value === 'string' && values.has(value) ? value : NOT_FAST);
  }
  return fromSchema(schema);
}
