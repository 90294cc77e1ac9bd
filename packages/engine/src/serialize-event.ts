import { UnknownEventKindError } from './errors.js';
import { EVENT_KINDS } from './event-kinds.js';
import { eventSchemas } from './event-schemas.js';
import type { EventKind, IronflowEvent } from './event-types.js';

interface KindFields {
  readonly known: readonly (readonly [name: string, prefix: string])[];
  readonly names: ReadonlySet<string>;
}

// Per kind, its field names and their JSON-quoted prefixes, computed once.
const FIELDS = new Map<string, KindFields>(
  EVENT_KINDS.map((kind: EventKind) => {
    const names = Object.keys(eventSchemas[kind].shape);
    return [
      kind,
      { known: names.map((name) => [name, `${JSON.stringify(name)}:`] as const), names: new Set(names) },
    ];
  }),
);

/**
 * The canonical one-line JSON of an event: its kind's fields in output order, whatever the key order of
 * the object given (an `undefined` field is written `null`), then every other own enumerable key (a
 * newer producer's unknown fields) in the object's order, `undefined` values left out. This is the
 * stored form, the SSE `data:` line and the webhook body; for a validated event it equals
 * `JSON.stringify(event)`.
 *
 * @throws {UnknownEventKindError} when `event.type` is not a kind.
 * @example
 * serializeEvent(event); // '{"type":"run_created","run_id":"…","workflow_name":"deploy","at":"…Z"}'
 */
export function serializeEvent(event: IronflowEvent): string {
  const fields = FIELDS.get(event.type);
  if (fields === undefined) throw new UnknownEventKindError(String(event.type));
  const record = event as unknown as Record<string, unknown>;
  // A validated event without unknown fields has exactly its kind's keys, in order, none undefined:
  // then the canonical form is what JSON.stringify writes, in one native call (a third of the
  // field-by-field cost below, measured on run_status_changed).
  const keys = Object.keys(record);
  if (isExactly(keys, record, fields.known)) return JSON.stringify(record);
  let json = '{';
  for (const [name, prefix] of fields.known) {
    if (json.length > 1) json += ',';
    json += prefix + (JSON.stringify(record[name]) ?? 'null');
  }
  for (const name of keys) {
    if (fields.names.has(name)) continue;
    const value = JSON.stringify(record[name]);
    if (value !== undefined) json += `,${JSON.stringify(name)}:${value}`;
  }
  return `${json}}`;
}

/** `keys` are the known fields in output order, and none of them is `undefined`. */
function isExactly(
  keys: readonly string[],
  record: Record<string, unknown>,
  known: KindFields['known'],
): boolean {
  if (keys.length !== known.length) return false;
  // JSON.stringify would call a toJSON inherited from a class; the field-by-field path does not.
  const proto = Object.getPrototypeOf(record);
  if (proto !== Object.prototype && proto !== null) return false;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    if (key !== known[index]?.[0] || record[key] === undefined) return false;
  }
  return true;
}
