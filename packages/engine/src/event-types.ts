import type * as z from 'zod';
import type { eventSchemas } from './event-schemas.js';

/** The `type` of an event. */
export type EventKind = keyof typeof eventSchemas;

/** The event of kind `K`, as validated (defaults filled, times in UTC, UUIDs lowercase). */
export type EventOf<K extends EventKind> = z.output<(typeof eventSchemas)[K]>;

/** Any ironflow event: a union discriminated on `type`. */
export type IronflowEvent = { [K in EventKind]: EventOf<K> }[EventKind];

/** What a producer may send for kind `K`: fields with defaults (`at`, `error`, `labels`) may be absent. */
export type EventInputOf<K extends EventKind> = z.input<(typeof eventSchemas)[K]>;

/** An event that belongs to a user (it has a `user_id`): the `user_*` kinds. */
export type UserEvent = Extract<IronflowEvent, { user_id: string }>;

/** An event that belongs to a run (it has a `run_id`): every kind but the `user_*` ones. */
export type RunEvent = Extract<IronflowEvent, { run_id: string }>;

// One alias per kind, for readability at call sites; EventOf<K> covers a kind added without one.
export type RunCreated = EventOf<'run_created'>;
export type RunStatusChanged = EventOf<'run_status_changed'>;
export type RunFailed = EventOf<'run_failed'>;
export type StepCompleted = EventOf<'step_completed'>;
export type StepFailed = EventOf<'step_failed'>;
export type ApprovalRequested = EventOf<'approval_requested'>;
export type ApprovalGranted = EventOf<'approval_granted'>;
export type ApprovalRejected = EventOf<'approval_rejected'>;
export type LogLine = EventOf<'log_line'>;
export type UserSignedIn = EventOf<'user_signed_in'>;
export type UserSignedUp = EventOf<'user_signed_up'>;
export type UserSignedOut = EventOf<'user_signed_out'>;
