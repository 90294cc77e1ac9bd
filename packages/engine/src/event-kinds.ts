import { UnknownEventKindError } from './errors.js';
import { eventSchemas } from './event-schemas.js';
import type { EventKind } from './event-types.js';

/** Every event kind, in SPEC order (derived from the schema table, so it cannot drift from it). */
export const EVENT_KINDS: readonly EventKind[] = Object.freeze(Object.keys(eventSchemas) as EventKind[]);

// A Set, not `in eventSchemas`: `constructor` or `__proto__` must not pass for a kind.
const KIND_SET: ReadonlySet<string> = new Set(EVENT_KINDS);

/** Whether `value` is exactly one of the event kind strings. */
export function isEventKind(value: unknown): value is EventKind {
  return typeof value === 'string' && KIND_SET.has(value);
}

/**
 * Parses an event kind from its exact `type` string (case-sensitive, no trimming).
 *
 * @throws {UnknownEventKindError} `unknown event kind: <text>`
 * @example
 * parseEventKind('run_created'); // 'run_created'
 * parseEventKind('run_creatd'); // throws "unknown event kind: run_creatd"
 */
export function parseEventKind(text: string): EventKind {
  if (isEventKind(text)) return text;
  throw new UnknownEventKindError(text);
}

/** The wire string of a kind: its `type` value. */
export function printEventKind(kind: EventKind): string {
  return kind;
}

/**
 * Parses a comma-separated list of kinds, as in `?types=`: items are trimmed, empty items ignored (so
 * `""` is `[]`), duplicates kept once, in first-seen order.
 *
 * @throws {UnknownEventKindError} on the first unknown item, naming it trimmed.
 * @example
 * parseEventKindList(' run_created, step_failed,,'); // ['run_created', 'step_failed']
 */
export function parseEventKindList(text: string): EventKind[] {
  const kinds = new Set<EventKind>();
  for (const item of text.split(',')) {
    const trimmed = item.trim();
    if (trimmed !== '') kinds.add(parseEventKind(trimmed));
  }
  return [...kinds];
}
