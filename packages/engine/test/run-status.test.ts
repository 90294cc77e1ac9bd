import { describe, expect, it } from 'vitest';
import {
  allowedNextStatuses,
  canChangeStatus,
  isTerminalStatus,
  RUN_STATUSES,
  type RunStatus,
} from '../src/index.js';

// docs/PROTOCOL.md §2 table, written out independently of the implementation.
const PROTOCOL_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'retrying',
  'cancelled',
  'awaiting_approval',
  'warning',
  'sleeping',
];
// A terminal status may repeat itself (an idempotent re-send), so its row is itself.
const PROTOCOL_ALLOWED: Record<string, string[]> = {
  pending: ['running', 'cancelled'],
  running: ['completed', 'failed', 'retrying', 'cancelled', 'awaiting_approval', 'warning', 'sleeping'],
  retrying: ['running', 'failed', 'cancelled'],
  awaiting_approval: ['running', 'failed', 'cancelled', 'pending'],
  sleeping: ['pending', 'running', 'cancelled'],
  completed: ['completed'],
  failed: ['failed'],
  cancelled: ['cancelled'],
  warning: ['warning'],
};
const PROTOCOL_TERMINAL = ['completed', 'failed', 'cancelled', 'warning'];

const allowed = Object.entries(PROTOCOL_ALLOWED).flatMap(([from, tos]) =>
  tos.map((to) => [from, to] as [RunStatus, RunStatus]),
);
const forbidden = PROTOCOL_STATUSES.flatMap((from) =>
  PROTOCOL_STATUSES.filter((to) => !PROTOCOL_ALLOWED[from]?.includes(to)).map(
    (to) => [from, to] as [RunStatus, RunStatus],
  ),
);

describe('run status', () => {
  it('lists docs/PROTOCOL.md statuses in order', () => {
    expect(RUN_STATUSES).toEqual(PROTOCOL_STATUSES);
  });

  it('has 23 allowed changes (2 + 7 + 3 + 4 + 3, plus 4 terminal repeats)', () => {
    expect(allowed).toHaveLength(23);
  });

  it('never lets a non-terminal status repeat itself', () => {
    for (const status of ['pending', 'running', 'retrying', 'awaiting_approval', 'sleeping'] as RunStatus[]) {
      expect(canChangeStatus(status, status)).toBe(false);
    }
  });

  it.each(allowed)('allows %s -> %s', (from, to) => {
    expect(canChangeStatus(from, to)).toBe(true);
  });

  it.each(forbidden)('forbids %s -> %s', (from, to) => {
    expect(canChangeStatus(from, to)).toBe(false);
  });

  it.each(PROTOCOL_STATUSES as RunStatus[])('allowedNextStatuses(%s) is docs/PROTOCOL.md row', (from) => {
    expect([...allowedNextStatuses(from)].sort()).toEqual([...(PROTOCOL_ALLOWED[from] ?? [])].sort());
  });

  it.each(PROTOCOL_STATUSES as RunStatus[])('isTerminalStatus(%s)', (status) => {
    expect(isTerminalStatus(status)).toBe(PROTOCOL_TERMINAL.includes(status));
  });

  it('answers false / [] for strings that are not statuses', () => {
    const unknown = 'toString' as RunStatus;
    expect(canChangeStatus(unknown, 'running')).toBe(false);
    expect(canChangeStatus('pending', unknown)).toBe(false);
    expect(allowedNextStatuses(unknown)).toEqual([]);
    expect(isTerminalStatus(unknown)).toBe(false);
  });
});
