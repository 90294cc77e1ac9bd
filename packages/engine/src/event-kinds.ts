import { UnknownEventKindError } from './errors.js';
import { eventSchemas } from './event-schemas.js';
import type { EventKind, EventKindName } from './event-types.js';

/** Every streamed event kind, in upstream's `ALL` order (derived from the schema table, so it cannot drift). */
export const EVENT_KINDS: readonly EventKind[] = Object.freeze(Object.keys(eventSchemas) as EventKind[]);

/**
 * Kind names that exist upstream but are never streamed (audit only): accepted in lists of kinds
 * (`types`, `event_type`, `WEBHOOK_EVENTS`), where they match nothing, and refused at ingest.
 */
export const AUDIT_ONLY_EVENT_KINDS: readonly ['secrets_rotated'] = Object.freeze([
  'secrets_rotated',
] as const);

/** Every kind name a list of kinds accepts: {@link EVENT_KINDS}, then {@link AUDIT_ONLY_EVENT_KINDS}. */
export const EVENT_KIND_NAMES: readonly EventKindName[] = Object.freeze([
  ...EVENT_KINDS,
  ...AUDIT_ONLY_EVENT_KINDS,
]);

// Sets, not `in eventSchemas`: `constructor` or `__proto__` must not pass for a kind.
const KIND_SET: ReadonlySet<string> = new Set(EVENT_KINDS);
const NAME_SET: ReadonlySet<string> = new Set(EVENT_KIND_NAMES);

/** Whether `value` is exactly one of the streamed event kind strings ({@link EVENT_KINDS}). */
export function isEventKind(value: unknown): value is EventKind {
  return typeof value === 'string' && KIND_SET.has(value);
}

/** Whether `value` is exactly one of the kind names a list accepts ({@link EVENT_KIND_NAMES}). */
export function isEventKindName(value: unknown): value is EventKindName {
  return typeof value === 'string' && NAME_SET.has(value);
}

/**
 * Parses a streamed event kind from its exact `type` string (case-sensitive, no trimming, dots
 * included). `secrets_rotated` is not one: it is never streamed.
 *
 * @throws {UnknownEventKindError} `unknown event kind: <text>`
 * @example
 * parseEventKind('provider_account.updated'); // 'provider_account.updated'
 * parseEventKind('run_creatd'); // throws "unknown event kind: run_creatd"
 */
export function parseEventKind(text: string): EventKind {
  if (isEventKind(text)) return text;
  throw new UnknownEventKindError(text, EVENT_KINDS);
}

/** The wire string of a kind: its `type` value. */
export function printEventKind(kind: EventKindName): string {
  return kind;
}

/**
 * Parses a comma-separated list of kind names, as in `?types=` or `WEBHOOK_EVENTS`: items are trimmed,
 * empty items ignored (so `""` is `[]`), duplicates kept once, in first-seen order. Audit-only names
 * (`secrets_rotated`) are accepted; they match no streamed event.
 *
 * @throws {UnknownEventKindError} on the first unknown item, naming it trimmed.
 * @example
 * parseEventKindList(' run_created, secrets_rotated,,'); // ['run_created', 'secrets_rotated']
 */
export function parseEventKindList(text: string): EventKindName[] {
  const kinds = new Set<EventKindName>();
  for (const item of text.split(',')) {
    const trimmed = item.trim();
    if (trimmed === '') continue;
    if (!isEventKindName(trimmed)) throw new UnknownEventKindError(trimmed, EVENT_KIND_NAMES);
    kinds.add(trimmed);
  }
  return [...kinds];
}
