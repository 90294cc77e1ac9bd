import type { IronflowEvent } from '@ironflow/engine';

/** The first block of a UUID: enough to tell runs apart on screen; the full id is in the title. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function cost(usd: number): string {
  return usd > 0 ? `, $${usd.toFixed(4)}` : '';
}

function approvers(requirement: { readonly required_approvers: number } | null): string {
  return requirement === null ? '' : ` (${requirement.required_approvers} approver(s) needed)`;
}

/** One line of text that says what an event is about, for the event list. */
export function describeEvent(event: IronflowEvent): string {
  switch (event.type) {
    case 'run_created':
      return `${event.workflow_name} created`;
    case 'run_status_changed':
      return `${event.workflow_name}: ${event.from} → ${event.to}${event.error ? ` (${event.error})` : ''}`;
    case 'run_failed':
      return `${event.workflow_name} failed: ${event.error ?? 'no error message'} after ${formatDuration(event.duration_ms)}${cost(event.cost_usd)}`;
    case 'step_completed':
      return `${event.step_name} [${event.kind}] completed in ${formatDuration(event.duration_ms)}${cost(event.cost_usd)}`;
    case 'step_failed':
      return `${event.step_name} [${event.kind}] failed: ${event.error}`;
    case 'run_budget_exceeded':
      return `${event.workflow_name} stopped: spent $${event.spent_usd} of $${event.limit_usd}, next step needs $${event.step_budget_usd}`;
    case 'approval_requested':
      return `approval requested: ${event.message}${approvers(event.requirement)}`;
    case 'approval_granted':
      return `approved by ${event.approved_by} (${event.approvals_received}/${event.approvals_required})`;
    case 'approval_rejected':
      return `rejected by ${event.rejected_by}`;
    case 'approval_escalated':
      return `${event.step_name} escalated (${event.policy}, stage ${event.stage}): ${event.reason}${event.assignee ? ` → ${event.assignee}` : ''}`;
    case 'log_line':
      return `${event.step_name} ${event.stream}: ${event.line}`;
    case 'user_signed_up':
      return `${event.username} signed up`;
    case 'user_signed_in':
      return `${event.username} signed in`;
    case 'user_signed_out':
      return `user ${shortId(event.user_id)} signed out`;
    case 'retry_forced':
      return `${event.workflow_name} retried with ${event.current_version} (run was ${event.original_version})`;
    case 'provider_account.updated':
      return `provider account ${event.name} ${event.change.replace('_', ' ')}`;
    case 'provider_account.usage_updated':
      return `provider account ${event.name}: ${event.windows.map((w) => `${w.window} ${Math.round(w.utilization * 100)}% ${w.status}`).join(', ') || 'no windows'}`;
    case 'signal_awaited':
      return `${event.step_name} waits for signal ${event.name} (${event.key}) until ${event.deadline_at}`;
    case 'signal_received':
      return `signal ${event.name} (${event.key}) resumed ${event.resumed_runs.length} run(s)`;
    case 'schedule_occurrences_missed':
      return `${event.workflow_name}: ${event.count} scheduled run(s) missed (${event.reason.replace('_', ' ')})`;
  }
}

/** `HH:MM:SS.mmm` in the viewer's time zone. */
export function formatTime(at: string): string {
  const date = new Date(at);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
