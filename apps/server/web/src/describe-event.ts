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
    case 'approval_requested':
      return `approval requested: ${event.message}`;
    case 'approval_granted':
      return `approved by ${event.approved_by}`;
    case 'approval_rejected':
      return `rejected by ${event.rejected_by}`;
    case 'log_line':
      return `${event.step_name} ${event.stream}: ${event.line}`;
    case 'user_signed_up':
      return `${event.username} signed up`;
    case 'user_signed_in':
      return `${event.username} signed in`;
    case 'user_signed_out':
      return `user ${shortId(event.user_id)} signed out`;
  }
}

/** `HH:MM:SS.mmm` in the viewer's time zone. */
export function formatTime(at: string): string {
  const date = new Date(at);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
