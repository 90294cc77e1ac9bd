import type * as z from 'zod';
import type { eventFieldTable, eventSchemas } from './event-schemas.js';

/** The `type` of a streamed event. */
export type EventKind = keyof typeof eventSchemas;

/** A kind name a list of kinds accepts: a streamed kind, or the audit-only `secrets_rotated`. */
export type EventKindName = EventKind | 'secrets_rotated';

/**
 * The event of kind `K`, as validated (defaults filled, times in UTC, UUIDs lowercase). Unknown fields a
 * newer producer sent are kept at run time, after the known ones, but are not part of the type: an
 * index signature would stop `'run_id' in event` from narrowing and let typos compile. Read them
 * with `(event as Record<string, unknown>).their_name`.
 */
export type EventOf<K extends EventKind> = K extends EventKind // distributes over a union of kinds
  ? (typeof eventFieldTable)[K] extends infer Fields extends z.ZodRawShape
    ? z.output<z.ZodObject<{ type: z.ZodLiteral<K> } & Fields, z.core.$strip>>
    : never
  : never;

/** Any ironflow event: a union discriminated on `type`. */
export type IronflowEvent = { [K in EventKind]: EventOf<K> }[EventKind];

/** What a producer may send for kind `K`: fields with defaults (`at`, `error`, `labels`, …) may be absent. */
export type EventInputOf<K extends EventKind> = z.input<(typeof eventSchemas)[K]>;

/** An event that belongs to a user: the `user_*` kinds. */
export type UserEvent = EventOf<'user_signed_in' | 'user_signed_up' | 'user_signed_out'>;

/** An event that belongs to a run (it has a `run_id`): the 13 run-scoped kinds. */
export type RunEvent = Extract<IronflowEvent, { run_id: string }>;

// One alias per kind, for readability at call sites; EventOf<K> covers a kind added without one.
export type RunCreated = EventOf<'run_created'>;
export type RunStatusChanged = EventOf<'run_status_changed'>;
export type RunFailed = EventOf<'run_failed'>;
export type RunBudgetExceeded = EventOf<'run_budget_exceeded'>;
export type StepCompleted = EventOf<'step_completed'>;
export type StepFailed = EventOf<'step_failed'>;
export type ApprovalRequested = EventOf<'approval_requested'>;
export type ApprovalGranted = EventOf<'approval_granted'>;
export type ApprovalRejected = EventOf<'approval_rejected'>;
export type ApprovalEscalated = EventOf<'approval_escalated'>;
export type LogLine = EventOf<'log_line'>;
export type UserSignedIn = EventOf<'user_signed_in'>;
export type UserSignedUp = EventOf<'user_signed_up'>;
export type UserSignedOut = EventOf<'user_signed_out'>;
export type RetryForced = EventOf<'retry_forced'>;
export type ProviderAccountUpdated = EventOf<'provider_account.updated'>;
export type ProviderAccountUsageUpdated = EventOf<'provider_account.usage_updated'>;
export type SignalAwaited = EventOf<'signal_awaited'>;
export type SignalReceived = EventOf<'signal_received'>;
export type ScheduleOccurrencesMissed = EventOf<'schedule_occurrences_missed'>;
