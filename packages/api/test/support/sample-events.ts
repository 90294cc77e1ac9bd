/** One canonical example of each of the 12 kinds: every field present, keys in SPEC order. */
export const RUN_A = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';
export const RUN_B = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0e';
const STEP = '0193a1f2-8000-7000-8000-000000000001';
const USER = '0193a1f2-9000-7000-8000-000000000002';
const AT = '2026-11-27T14:00:00.123Z';

export const SAMPLE_EVENTS = [
  { type: 'run_created', run_id: RUN_A, workflow_name: 'deploy', at: AT },
  {
    type: 'run_status_changed',
    run_id: RUN_A,
    workflow_name: 'deploy',
    from: 'pending',
    to: 'running',
    error: null,
    cost_usd: 0,
    duration_ms: 0,
    labels: { env: 'prod', team: 'core' },
    at: AT,
  },
  {
    type: 'run_failed',
    run_id: RUN_A,
    workflow_name: 'deploy',
    error: 'step build exited 2',
    cost_usd: 0.0125,
    duration_ms: 84012,
    labels: {},
    at: AT,
  },
  {
    type: 'step_completed',
    run_id: RUN_A,
    step_id: STEP,
    step_name: 'build',
    kind: 'shell',
    duration_ms: 5230,
    cost_usd: 0.001,
    at: AT,
  },
  {
    type: 'step_failed',
    run_id: RUN_A,
    step_id: STEP,
    step_name: 'test',
    kind: 'my-custom-op',
    error: 'assertion failed: "x" != "y"\nat line 3',
    at: AT,
  },
  { type: 'approval_requested', run_id: RUN_A, step_id: STEP, message: 'Ship to prod? ✅ 🚀', at: AT },
  { type: 'approval_granted', run_id: RUN_A, approved_by: 'alice', at: AT },
  { type: 'approval_rejected', run_id: RUN_A, rejected_by: 'bob', at: AT },
  {
    type: 'log_line',
    id: '0193a1f2-a000-7000-8000-000000000003',
    run_id: RUN_A,
    step_id: STEP,
    step_name: 'build',
    stream: 'stderr',
    line: 'warning: <script> & "quotes" \\ \u2028 end',
    at: AT,
  },
  { type: 'user_signed_in', user_id: USER, username: 'alice', at: AT },
  { type: 'user_signed_up', user_id: USER, username: 'alice', at: AT },
  { type: 'user_signed_out', user_id: USER, at: AT },
] as const;

/** A valid `run_created` for `runId`, with a distinguishing workflow name. */
export function runCreated(runId: string, workflowName = 'wf'): Record<string, unknown> {
  return { type: 'run_created', run_id: runId, workflow_name: workflowName, at: AT };
}
