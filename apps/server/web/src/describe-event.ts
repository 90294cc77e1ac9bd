import type { IronflowEvent } from '@ironflow/engine';
import { formatShortDateTime } from './format-time.js';

/** The first block of a UUID: enough to tell runs apart on screen; the full id is in the title. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** Dollars with cents, and four digits for the fractions of a cent that agent steps cost. */
export function formatUsd(usd: number): string {
  const cents = usd * 100;
  return Math.abs(cents - Math.round(cents)) < 1e-9 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
const words = (value: string) => value.replaceAll('_', ' ');

function cost(usd: number): string {
  return usd > 0 ? `, ${formatUsd(usd)}` : '';
}

interface Requirement {
  readonly required_approvers: number;
  readonly approver_groups: readonly string[];
  readonly reason: string | null;
}

/** `needs 2 approvers from sre, release (prod deploy)` */
function requirementText(requirement: Requirement | null): string {
  if (requirement === null) return '';
  const groups =
    requirement.approver_groups.length > 0 ? ` from ${requirement.approver_groups.join(', ')}` : '';
  const reason = requirement.reason ? ` (${requirement.reason})` : '';
  return `needs ${plural(requirement.required_approvers, 'approver')}${groups}${reason}`;
}

function labelsText(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : ` [${entries.map(([key, value]) => `${key}=${value}`).join(' ')}]`;
}

/** One line of text that says what an event is about, for the event list and the detail panel. */
export function describeEvent(event: IronflowEvent): string {
  switch (event.type) {
    case 'run_created':
      return `${event.workflow_name} created`;
    case 'run_status_changed':
      return `${event.workflow_name}: ${words(event.from)} → ${words(event.to)}${event.error ? ` (${event.error})` : ''}${event.duration_ms > 0 ? ` after ${formatDuration(event.duration_ms)}` : ''}${cost(event.cost_usd)}${labelsText(event.labels)}`;
    case 'run_failed':
      return `${event.workflow_name} failed: ${event.error ?? 'no error message'} after ${formatDuration(event.duration_ms)}${cost(event.cost_usd)}${labelsText(event.labels)}`;
    case 'step_completed':
      return `${event.step_name} [${event.kind}] completed in ${formatDuration(event.duration_ms)}${cost(event.cost_usd)}`;
    case 'step_failed':
      return `${event.step_name} [${event.kind}] failed: ${event.error}`;
    case 'run_budget_exceeded':
      return `${event.workflow_name} over budget: spent ${formatUsd(event.spent_usd)} of its ${formatUsd(event.limit_usd)} limit; the next step needs ${formatUsd(event.step_budget_usd)}`;
    case 'approval_requested': {
      const needs = requirementText(event.requirement);
      return `approval requested: “${event.message}”${needs ? ` — ${needs}` : ''}`;
    }
    case 'approval_granted': {
      const needs = requirementText(event.requirement);
      return `approved by ${event.approved_by} — ${event.approvals_received} of ${event.approvals_required} approvals${needs ? ` (${needs})` : ''}`;
    }
    case 'approval_rejected': {
      const needs = requirementText(event.requirement);
      return `rejected by ${event.rejected_by}${needs ? ` (${needs})` : ''}`;
    }
    case 'approval_escalated':
      return `${event.step_name} escalated${event.assignee ? ` to ${event.assignee}` : ''} (stage ${event.stage}, ${event.policy} → ${event.action}): ${event.reason}`;
    case 'log_line':
      return `${event.step_name} ${event.stream}: ${event.line === '' ? '(empty line)' : event.line}`;
    case 'user_signed_up':
      return `${event.username} signed up`;
    case 'user_signed_in':
      return `${event.username} signed in`;
    case 'user_signed_out':
      return `user ${shortId(event.user_id)} signed out`;
    case 'retry_forced':
      return `${event.workflow_name} retried on version ${event.current_version} (the run was on ${event.original_version})`;
    case 'provider_account.updated':
      return `provider account ${event.name}: ${words(event.change)}`;
    case 'provider_account.usage_updated':
      return `provider account ${event.name} usage: ${
        event.windows
          .map(
            (w) =>
              `${words(w.window)} ${Math.round(w.utilization * 100)}% (${words(w.status)}${w.model_scope ? `, ${w.model_scope}` : ''}${w.resets_at ? `, resets ${formatShortDateTime(w.resets_at)}` : ''})`,
          )
          .join(', ') || 'no windows'
      }`;
    case 'signal_awaited':
      return `${event.step_name} waits for signal ${event.name} (key ${event.key}) until ${formatShortDateTime(event.deadline_at)}`;
    case 'signal_received':
      return `signal ${event.name} (key ${event.key}) resumed ${plural(event.resumed_runs.length, 'run')}${event.resumed_runs.length > 0 ? `: ${event.resumed_runs.map(shortId).join(', ')}` : ''}`;
    case 'schedule_occurrences_missed':
      return `${event.workflow_name}: ${plural(event.count, 'scheduled run')} missed (${words(event.reason)}), ${formatShortDateTime(event.first)} to ${formatShortDateTime(event.last)}`;
  }
}
