import type { EventPublisher } from './event-publisher.js';
import type { RunFailed, RunStatusChanged } from './event-types.js';
import { type RunStatusChange, runStatusChangeEvents } from './run-status-change-events.js';
import type { ValidateEventOptions } from './validate-event.js';

/**
 * Validates a run status change and publishes `run_status_changed` and, when `to` is `failed`,
 * `run_failed` right after it, in one `publishAll` batch when the publisher has one. Returns the
 * published events.
 *
 * @throws {InvalidStatusChangeError} when the change is not allowed (nothing is published);
 *   {@link InvalidEventError} when a field is invalid (nothing is published).
 * @example
 * publishRunStatusChange(publisher, {
 *   run_id, workflow_name: 'deploy', from: 'running', to: 'failed',
 *   error: 'step build exited with 1', cost_usd: 0.42, duration_ms: 5_300,
 * }); // publishes run_status_changed, then run_failed
 */
export function publishRunStatusChange(
  publisher: Pick<EventPublisher, 'publish'> | Pick<EventPublisher, 'publishAll'>,
  change: RunStatusChange,
  options?: ValidateEventOptions,
): [RunStatusChanged] | [RunStatusChanged, RunFailed] {
  const events = runStatusChangeEvents(change, options);
  // One batch when the publisher takes batches, so no subscriber sees the change without its run_failed.
  if ('publishAll' in publisher) publisher.publishAll(events);
  else for (const event of events) publisher.publish(event);
  return events;
}
