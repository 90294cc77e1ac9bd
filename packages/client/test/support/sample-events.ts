export const RUN_A = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';
export const RUN_B = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0e';
const STEP = '0193a1f2-8000-7000-8000-000000000001';
const USER = '0193a1f2-9000-7000-8000-000000000002';
const AT = '2026-11-27T14:00:00.123Z';

/** A `run_created` whose workflow name numbers it, so order can be checked. */
export function runCreated(n: number, runId = RUN_A) {
  return { type: 'run_created', run_id: runId, workflow_name: `wf-${n}`, at: AT };
}

/** The workflow names of `run_created` events, in order received. */
export function workflowNames(events: readonly { type: string }[]): string[] {
  return events.map((event) => (event as { workflow_name?: string }).workflow_name ?? event.type);
}

/** One canonical event of each of the 12 kinds. */
export const ONE_OF_EACH_KIND = [
  runCreated(0),
  {
    type: 'run_status_changed',
    run_id: RUN_A,
    workflow_name: 'deploy',
    from: 'pending',
    to: 'running',
    error: null,
    cost_usd: 0,
    duration_ms: 0,
    labels: { env: 'prod' },
    at: AT,
  },
  {
    type: 'run_failed',
    run_id: RUN_A,
    workflow_name: 'deploy',
    error: 'exit 2',
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
    kind: 'http',
    error: 'boom',
    at: AT,
  },
  { type: 'approval_requested', run_id: RUN_A, step_id: STEP, message: 'ship it?', at: AT },
  { type: 'approval_granted', run_id: RUN_A, approved_by: 'alice', at: AT },
  { type: 'approval_rejected', run_id: RUN_A, rejected_by: 'bob', at: AT },
  {
    type: 'log_line',
    id: '0193a1f2-a000-7000-8000-000000000003',
    run_id: RUN_A,
    step_id: STEP,
    step_name: 'build',
    stream: 'stdout',
    line: 'compiling…',
    at: AT,
  },
  { type: 'user_signed_in', user_id: USER, username: 'alice', at: AT },
  { type: 'user_signed_up', user_id: USER, username: 'alice', at: AT },
  { type: 'user_signed_out', user_id: USER, at: AT },
] as const;
