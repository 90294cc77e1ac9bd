import { EVENT_KINDS } from './event-kinds.js';
import { eventFieldTable } from './event-schemas.js';
import type { EventKind, IronflowEvent, RunEvent, UserEvent } from './event-types.js';

// Derived from the schema table: a kind with a `run_id` field belongs to a run, one with a `step_id` to
// a step (when not null), a `user_*` kind with a `user_id` to a user.
const kindsWith = (field: string, also: (kind: EventKind) => boolean = () => true): ReadonlySet<string> =>
  new Set(EVENT_KINDS.filter((kind) => field in eventFieldTable[kind] && also(kind)));
const RUN_KINDS = kindsWith('run_id');
const STEP_KINDS = kindsWith('step_id');
const USER_KINDS = kindsWith('user_id', (kind) => kind.startsWith('user_'));

/** The kinds that belong to a run (every kind with a `run_id` field), in upstream's order. */
export const RUN_EVENT_KINDS: readonly EventKind[] = Object.freeze(
  EVENT_KINDS.filter((kind) => RUN_KINDS.has(kind)),
);

/**
 * The run an event belongs to: its `run_id` for the 13 run-scoped kinds, `null` for the others
 * (`user_*`, `provider_account.*`, `signal_received`, `schedule_occurrences_missed`).
 */
export function runIdOf(event: IronflowEvent): string | null {
  return RUN_KINDS.has(event.type) ? (event as RunEvent).run_id : null;
}

/** The step an event concerns: its `step_id` where the kind has one and it is not null, else `null`. */
export function stepIdOf(event: IronflowEvent): string | null {
  if (!STEP_KINDS.has(event.type)) return null;
  return (event as { step_id?: string | null }).step_id ?? null;
}

/** The user an event concerns: its `user_id` for the `user_*` kinds, else `null`. */
export function userIdOf(event: IronflowEvent): string | null {
  return USER_KINDS.has(event.type) ? (event as UserEvent).user_id : null;
}

/** Whether the event is one of the `user_*` kinds (which go only to admins and the user concerned). */
export function isUserEvent(event: IronflowEvent): event is UserEvent {
  return USER_KINDS.has(event.type);
}
