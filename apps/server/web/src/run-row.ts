import { formatDuration, formatUsd, shortId } from './describe-event.js';
import { element } from './dom.js';
import { formatDateTime, formatRelative, formatTime } from './format-time.js';
import type { RunSummary } from './live-state.js';

export interface RunRow {
  readonly item: HTMLLIElement;
  readonly button: HTMLButtonElement;
  readonly name: HTMLSpanElement;
  readonly status: HTMLSpanElement;
  readonly started: HTMLTimeElement;
  readonly step: HTMLSpanElement;
  readonly totals: HTMLSpanElement;
}

/**
 * A run's row: a toggle button with its workflow and status on the first line, id and start on the
 * second, newest step, duration, cost and event count on the third. Every line has a fixed height
 * (long text is cut with an ellipsis), so updates never change the row's size.
 */
export function createRunRow(run: RunSummary, selected: boolean): RunRow {
  const item = element('li');
  item.dataset.run = run.runId;
  const button = element('button', 'run');
  button.type = 'button';
  button.title = run.runId;
  button.setAttribute('aria-pressed', String(selected));
  const name = element('span', 'run-name');
  const status = element('span', 'status');
  const id = element('span', 'run-id', shortId(run.runId));
  const started = element('time', 'run-started');
  const step = element('span', 'run-step');
  const totals = element('span', 'run-totals');
  button.append(name, status, id, started, step, totals);
  item.append(button);
  return { item, button, name, status, started, step, totals };
}

export function updateRunRow(row: RunRow, run: RunSummary, now: number): void {
  row.name.textContent = run.workflowName ?? 'run';
  row.status.textContent = run.status.replace('_', ' ');
  row.status.className = `status status-${run.status}`;
  updateRunTimes(row, run, now);
  row.step.textContent = run.newestStep ?? 'no step yet';
  const duration =
    run.durationMs !== null
      ? formatDuration(run.durationMs)
      : formatDuration(Math.max(0, new Date(run.lastAt).getTime() - new Date(run.startedAt).getTime()));
  row.totals.textContent = `${duration} · ${formatUsd(run.costUsd)} · ${run.events} ev`;
  row.totals.title = `duration ${duration}, cost ${formatUsd(run.costUsd)}, ${run.events} events seen`;
  row.button.title = run.error ? `${run.runId}: ${run.error}` : run.runId;
}

/** The start time, with how long ago; called again now and then so "ago" stays true. */
export function updateRunTimes(row: RunRow, run: RunSummary, now: number): void {
  const label = run.startKnown ? 'started' : 'first seen';
  row.started.dateTime = run.startedAt;
  row.started.textContent = `${label} ${formatTime(run.startedAt, new Date(now))} (${formatRelative(run.startedAt, now)})`;
  row.started.title = `${label} ${formatDateTime(run.startedAt)}`;
}
