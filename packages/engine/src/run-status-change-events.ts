import { InvalidEventError, InvalidStatusChangeError } from './errors.js';
import type { RunFailed, RunStatusChanged } from './event-types.js';
import type { RunStatus } from './run-status.js';
import { canChangeStatus } from './run-status.js';
import { type ValidateEventOptions, validateEvent } from './validate-event.js';

/** A run's status change: the fields of `run_status_changed` without `type`. */
export interface RunStatusChange {
  readonly run_id: string;
  readonly workflow_name: string;
  readonly from: RunStatus;
  readonly to: RunStatus;
  /** @default null */
  readonly error?: string | null;
  readonly cost_usd: number;
  readonly duration_ms: number;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** RFC 3339, any offset. @default now */
  readonly at?: string;
}

/**
 * The events a status change produces, validated and in publish order: `run_status_changed`, then, when
 * the run changes to `failed`, `run_failed` with the same run, workflow, error, cost, duration, labels
 * and time. Use it to append the pair to the event log; {@link publishRunStatusChange} publishes it.
 *
 * @throws {InvalidStatusChangeError} when the change is not allowed; {@link InvalidEventError} when a
 *   field is invalid.
 */
export function runStatusChangeEvents(
  change: RunStatusChange,
  options?: ValidateEventOptions,
): [RunStatusChanged] | [RunStatusChanged, RunFailed] {
  if (!canChangeStatus(change.from, change.to)) throw new InvalidStatusChangeError(change.from, change.to);
  const result = validateEvent({ ...change, type: 'run_status_changed' }, options);
  if (!result.ok) throw new InvalidEventError(result.issues);
  const changed = result.event as RunStatusChanged;
  if (changed.to !== 'failed') return [changed];
  const failed: RunFailed = {
    type: 'run_failed',
    run_id: changed.run_id,
    workflow_name: changed.workflow_name,
    error: changed.error,
    cost_usd: changed.cost_usd,
    duration_ms: changed.duration_ms,
    // A copy: a handler that edits one event's labels must not edit the other's.
    labels: { ...changed.labels },
    at: changed.at,
  };
  return [changed, failed];
}
