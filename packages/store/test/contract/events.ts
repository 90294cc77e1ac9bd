import { randomUUID } from 'node:crypto';

// Builders of valid event inputs for the contract suites. `at` is fixed so that the canonical
// output does not depend on the clock.
const AT = '2025-01-02T03:04:05.000Z';

export const runCreated = (runId: string, workflowName = 'deploy') => ({
  type: 'run_created',
  run_id: runId,
  workflow_name: workflowName,
  at: AT,
});

export const logLine = (runId: string, line: string) => ({
  type: 'log_line',
  id: randomUUID(),
  run_id: runId,
  step_id: '6f1c2f9e-3b0a-4c8e-9d2a-0a1b2c3d4e5f',
  step_name: 'build',
  stream: 'stdout',
  line,
  at: AT,
});

export const stepCompleted = (runId: string) => ({
  type: 'step_completed',
  run_id: runId,
  step_id: '6f1c2f9e-3b0a-4c8e-9d2a-0a1b2c3d4e5f',
  step_name: 'build',
  kind: 'shell',
  duration_ms: 1200,
  cost_usd: 0.25,
  at: AT,
});

export const userSignedIn = (userId: string, username = 'ada') => ({
  type: 'user_signed_in',
  user_id: userId,
  username,
  at: AT,
});
