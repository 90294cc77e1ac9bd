import type { EventIssue } from './errors.js';
import { UnknownEventKindError } from './errors.js';
import { EVENT_KINDS, isEventKind } from './event-kinds.js';
import { eventSchemas } from './event-schemas.js';
import type { IronflowEvent } from './event-types.js';
import { parseWellFormedEvent } from './fast-event-parser.js';
import { formatIssuePath } from './issue-path.js';

/** Options of {@link validateEvent}. */
export interface ValidateEventOptions {
  /** The clock used for an absent `at`. @default () => new Date() */
  readonly now?: () => Date;
}

/** The outcome of {@link validateEvent}. */
export type ValidateEventResult =
  | { readonly ok: true; readonly event: IronflowEvent }
  | { readonly ok: false; readonly issues: EventIssue[] };

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A non-string `type` as JSON; one nested too deep for `JSON.stringify` (a stack overflow) is described. */
function shownType(type: unknown): string {
  try {
    return JSON.stringify(type) ?? String(type);
  } catch {
    return describe(type);
  }
}

function unknownKind(type: unknown): EventIssue {
  // A string is quoted as given (docs/PROTOCOL.md's message); anything else as JSON, `undefined` when missing.
  const text = typeof type === 'string' ? type : shownType(type);
  return { path: 'type', message: new UnknownEventKindError(text).message };
}

// Per kind, the fields whose own `__proto__` key protoKeyPaths looks for (all but `labels`).
const NESTED_FIELDS = new Map<string, readonly string[]>(
  EVENT_KINDS.map((kind) => [
    kind,
    Object.keys(eventSchemas[kind].shape).filter((name) => name !== 'labels'),
  ]),
);

const hasProto = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__');

/**
 * Where the event or one of its nested objects (`requirement`, `windows[i]`) has an own `__proto__` key.
 * zod builds objects by assignment, so such a key would replace the prototype and vanish; values of
 * unknown fields are kept as given and `labels` reports its own.
 */
function protoKeyPaths(fields: Record<string, unknown>, names: readonly string[]): string[] {
  const paths: string[] = [];
  if (Object.hasOwn(fields, '__proto__')) paths.push('["__proto__"]');
  for (const name of names) {
    const value = fields[name];
    if (hasProto(value) && !Array.isArray(value)) paths.push(`${name}["__proto__"]`);
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (hasProto(item)) paths.push(`${name}[${index}]["__proto__"]`);
      });
    }
  }
  return paths;
}

/**
 * Validates one event against its kind's schema and returns it in canonical form: keys in documented order
 * (`type` first), UUIDs lowercase, times in UTC ending in `Z`, `at` now when absent, `error` null and
 * `labels` `{}` when absent (and every other upstream default), unknown keys kept after the known ones in
 * the order given. A `run_status_changed` must be an allowed change. `secrets_rotated` is refused like
 * an unknown kind: it is never streamed.
 * Never throws for bad input: every problem is an issue with a path (`""` for the root).
 *
 * @example
 * const result = validateEvent(JSON.parse(body));
 * if (!result.ok) return reply400(result.issues); // [{ path: 'run_id', message: 'expected a UUID …' }]
 * log.append(result.event);
 */
export function validateEvent(input: unknown, options?: ValidateEventOptions): ValidateEventResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      issues: [{ path: '', message: `expected an event object, received ${describe(input)}` }],
    };
  }
  const fields = input as Record<string, unknown>;
  const type = fields.type;
  if (!isEventKind(type)) return { ok: false, issues: [unknownKind(type)] };
  // JSON.parse makes `__proto__` an own key; zod would assign it, replacing the output's prototype and
  // losing the field without a word. Refused instead, like the label key of the same name.
  const protoKeys = protoKeyPaths(fields, NESTED_FIELDS.get(type) as readonly string[]);
  if (protoKeys.length > 0) {
    return {
      ok: false,
      issues: protoKeys.map((path) => ({ path, message: 'field "__proto__" is not allowed' })),
    };
  }

  // The schema's own default reads the system clock; an injected clock is applied here, before parsing.
  const candidate =
    options?.now !== undefined && fields.at === undefined
      ? { ...fields, at: options.now().toISOString() }
      : fields;
  // Well-formed events take the fast path derived from the same table (same output); zod parses the
  // rest, so every refusal carries zod's issues.
  const fast = parseWellFormedEvent(type, candidate);
  if (fast !== undefined) return { ok: true, event: fast };
  const result = eventSchemas[type].safeParse(candidate);
  if (result.success) return { ok: true, event: result.data as IronflowEvent };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: formatIssuePath(issue.path),
      message: issue.message,
    })),
  };
}
