import { UnknownEventKindError } from './errors.js';
import { EVENT_KINDS } from './event-kinds.js';
import { eventSchemas } from './event-schemas.js';
import type { EventKind, IronflowEvent } from './event-types.js';

// Per kind, its field names and their JSON-quoted prefixes, computed once.
const FIELDS = new Map<string, readonly (readonly [name: string, prefix: string])[]>(
  EVENT_KINDS.map((kind: EventKind) => [
    kind,
    Object.keys(eventSchemas[kind].shape).map((name) => [name, `${JSON.stringify(name)}:`] as const),
  ]),
);

/**
 * The canonical one-line JSON of an event: exactly its kind's fields, in SPEC order, whatever the key
 * order of the object given (extra keys are left out, an `undefined` field is written `null`). This is
 * the SSE `data:` line and the webhook body; for a validated event it equals `JSON.stringify(event)`.
 *
 * @throws {UnknownEventKindError} when `event.type` is not a kind.
 * @example
 * serializeEvent(event); // '{"type":"run_created","run_id":"…","workflow_name":"deploy","at":"…Z"}'
 */
export function serializeEvent(event: IronflowEvent): string {
  const fields = FIELDS.get(event.type);
  if (fields === undefined) throw new UnknownEventKindError(String(event.type));
  const record = event as unknown as Record<string, unknown>;
  let json = '{';
  for (const [name, prefix] of fields) {
    if (json.length > 1) json += ',';
    json += prefix + (JSON.stringify(record[name]) ?? 'null');
  }
  return `${json}}`;
}
