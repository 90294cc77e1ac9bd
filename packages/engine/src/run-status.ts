/** Every status a run can have, in documented order. */
export const RUN_STATUSES = Object.freeze([
  'pending',
  'running',
  'completed',
  'failed',
  'retrying',
  'cancelled',
  'awaiting_approval',
  'warning',
  'sleeping',
] as const);

/** The status of a run. */
export type RunStatus = (typeof RUN_STATUSES)[number];

// docs/PROTOCOL.md transition table. A terminal status (completed, failed, cancelled, warning) has no entry
// here: it may only repeat itself, an idempotent re-send by a producer.
const NEXT: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  pending: Object.freeze(['running', 'cancelled']),
  running: Object.freeze([
    'completed',
    'failed',
    'retrying',
    'cancelled',
    'awaiting_approval',
    'warning',
    'sleeping',
  ]),
  completed: Object.freeze([]),
  failed: Object.freeze([]),
  retrying: Object.freeze(['running', 'failed', 'cancelled']),
  cancelled: Object.freeze([]),
  awaiting_approval: Object.freeze(['running', 'failed', 'cancelled', 'pending']),
  warning: Object.freeze([]),
  sleeping: Object.freeze(['pending', 'running', 'cancelled']),
};

const STATUS_SET: ReadonlySet<string> = new Set(RUN_STATUSES);

/** Whether `value` is one of {@link RUN_STATUSES}. */
export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && STATUS_SET.has(value);
}

/** Whether `status` is terminal (`completed`, `failed`, `cancelled`, `warning`): only a repeat of itself follows. */
export function isTerminalStatus(status: RunStatus): boolean {
  return isRunStatus(status) && NEXT[status].length === 0;
}

/**
 * Whether a run may change from `from` to `to`. A terminal status changing to itself is accepted (an
 * idempotent repeat); a non-terminal one never changes to itself.
 *
 * @example
 * canChangeStatus('running', 'failed'); // true
 * canChangeStatus('completed', 'completed'); // true (a repeat)
 * canChangeStatus('completed', 'running'); // false
 */
export function canChangeStatus(from: RunStatus, to: RunStatus): boolean {
  if (!isRunStatus(from)) return false;
  return NEXT[from].includes(to) || (from === to && NEXT[from].length === 0);
}

/**
 * The statuses `from` may change to, in documented order: for a terminal status, itself only (its repeat);
 * empty for an unknown status.
 */
export function allowedNextStatuses(from: RunStatus): readonly RunStatus[] {
  if (!isRunStatus(from)) return [];
  return NEXT[from].length === 0 ? Object.freeze([from]) : NEXT[from];
}
