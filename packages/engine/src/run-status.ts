/** Every status a run can have, in SPEC order. */
export const RUN_STATUSES = Object.freeze([
  'pending',
  'running',
  'completed',
  'failed',
  'retrying',
  'cancelled',
  'awaiting_approval',
] as const);

/** The status of a run. */
export type RunStatus = (typeof RUN_STATUSES)[number];

// The SPEC transition table; a status with no entry (completed, failed, cancelled) is terminal.
const NEXT: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  pending: Object.freeze(['running', 'cancelled']),
  running: Object.freeze(['completed', 'failed', 'retrying', 'cancelled', 'awaiting_approval']),
  completed: Object.freeze([]),
  failed: Object.freeze([]),
  retrying: Object.freeze(['running', 'failed', 'cancelled']),
  cancelled: Object.freeze([]),
  awaiting_approval: Object.freeze(['running', 'failed', 'cancelled']),
};

const STATUS_SET: ReadonlySet<string> = new Set(RUN_STATUSES);

/** Whether `value` is one of {@link RUN_STATUSES}. */
export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && STATUS_SET.has(value);
}

/**
 * Whether a run may change from `from` to `to`. A status never changes to itself.
 *
 * @example
 * canChangeStatus('running', 'failed'); // true
 * canChangeStatus('completed', 'running'); // false
 */
export function canChangeStatus(from: RunStatus, to: RunStatus): boolean {
  return isRunStatus(from) && NEXT[from].includes(to);
}

/** The statuses `from` may change to, in SPEC order; empty for a terminal or unknown status. */
export function allowedNextStatuses(from: RunStatus): readonly RunStatus[] {
  return isRunStatus(from) ? NEXT[from] : [];
}

/** Whether `status` is terminal (`completed`, `failed`, `cancelled`): no change leaves it. */
export function isTerminalStatus(status: RunStatus): boolean {
  return isRunStatus(status) && NEXT[status].length === 0;
}
