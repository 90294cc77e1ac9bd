import { EVENT_KINDS } from './event-kinds.js';
import { eventSchemas } from './event-schemas.js';
import type { EventKind, IronflowEvent, UserEvent } from './event-types.js';

// Derived from the schema table: a kind with a `run_id` field belongs to a run, one with `user_id` to a user.
const kindsWith = (field: string): ReadonlySet<string> =>
  new Set(EVENT_KINDS.filter((kind: EventKind) => field in eventSchemas[kind].shape));
const RUN_KINDS = kindsWith('run_id');
const USER_KINDS = kindsWith('user_id');

/** The run an event belongs to: its `run_id`, or `null` for the `user_*` kinds. */
export function runIdOf(event: IronflowEvent): string | null {
  return RUN_KINDS.has(event.type) ? (event as { run_id: string }).run_id : null;
}

/** The user an event concerns: its `user_id` for the `user_*` kinds, else `null`. */
export function userIdOf(event: IronflowEvent): string | null {
  return USER_KINDS.has(event.type) ? (event as { user_id: string }).user_id : null;
}

/** Whether the event is one of the `user_*` kinds (which go only to admins and the user concerned). */
export function isUserEvent(event: IronflowEvent): event is UserEvent {
  return USER_KINDS.has(event.type);
}
