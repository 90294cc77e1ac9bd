import type * as z from 'zod';
import { EVENT_KINDS } from './event-kinds.js';
import { eventSchemas } from './event-schemas.js';
import type { EventKind, IronflowEvent } from './event-types.js';
import { type FastFieldParser, fastFieldParser, NOT_FAST } from './fast-field-parsers.js';
import { canChangeStatus, type RunStatus } from './run-status.js';

/*
 * Each kind's zod object schema reproduced as a plain loop over its fields' fast parsers, derived from
 * the same table: `type`, then the known fields in shape order, then every other enumerable key in the
 * input's `for…in` order with its value as given — exactly how zod's loose object builds its output.
 * A well-formed event costs a few type tests instead of zod's per-field payloads and check lists;
 * anything else returns undefined and validateEvent parses it with zod, so refusals are zod's.
 */

type EventParser = (input: Record<string, unknown>) => IronflowEvent | undefined;

// The checks the table adds to whole events, as the fast path applies them to its own output (every
// field already valid). A kind whose schema has a check not listed here is left to zod.
const EVENT_CHECKS: { readonly [K in EventKind]?: (event: Record<string, unknown>) => boolean } = {
  run_status_changed: (event) => canChangeStatus(event.from as RunStatus, event.to as RunStatus),
};

function parserOf(kind: EventKind): EventParser | undefined {
  const schema = eventSchemas[kind] as unknown as z.ZodObject;
  const hasChecks = (schema._zod.def.checks?.length ?? 0) > 0;
  const check = EVENT_CHECKS[kind];
  if (hasChecks && check === undefined) return undefined;
  const names = Object.keys(schema.shape);
  const known: ReadonlySet<string> = new Set(names);
  const fields = names.filter((name) => name !== 'type');
  const parsers: FastFieldParser[] = fields.map((name) => fastFieldParser(schema.shape[name] as z.ZodType));
  return (input) => {
    const event: Record<string, unknown> = { type: kind };
    for (let index = 0; index < fields.length; index += 1) {
      const name = fields[index] as string;
      const value = (parsers[index] as FastFieldParser)(input[name]);
      if (value === NOT_FAST) return undefined;
      event[name] = value;
    }
    for (const name in input) {
      // zod never copies `__proto__` (the assignment would replace the prototype).
      if (!known.has(name) && name !== '__proto__') event[name] = input[name];
    }
    if (check !== undefined && !check(event)) return undefined;
    return event as unknown as IronflowEvent;
  };
}

const PARSERS = new Map<string, EventParser>();
for (const kind of EVENT_KINDS) {
  const parser = parserOf(kind);
  if (parser !== undefined) PARSERS.set(kind, parser);
}

/**
 * What `eventSchemas[kind].safeParse(input)` outputs when it succeeds, for a well-formed event;
 * `undefined` when the fast path cannot tell (zod must parse it: it may be valid or not).
 * `input.type` must be `kind`.
 */
export function parseWellFormedEvent(
  kind: EventKind,
  input: Record<string, unknown>,
): IronflowEvent | undefined {
  return PARSERS.get(kind)?.(input);
}
