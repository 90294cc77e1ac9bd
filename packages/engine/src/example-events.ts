import type { EventKind, EventOf } from './event-types.js';

const RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';
const STEP = '0193a1f2-8000-7000-8000-000000000001';
const USER = '0193a1f2-9000-7000-8000-000000000002';
const AT = '2026-11-27T14:00:00.123Z';

/**
 * One realistic, canonical event of each kind: every field present, keys in SPEC order, so
 * `serializeEvent(exampleEvents[kind])` equals `JSON.stringify(exampleEvents[kind])`. For docs,
 * generated schemas and tests; the strings include quotes, a newline, `<`, `&`, emoji and
 * U+2028 so that consumers' parsers are exercised.
 *
 * @example
 * fetch(url, { method: 'POST', body: JSON.stringify(exampleEvents.run_created) });
 */
export const exampleEvents: { readonly [K in EventKind]: EventOf<K> } = Object.freeze({
  run_created: { type: 'run_created', run_id: RUN, workflow_name: 'deploy', at: AT },
  run_status_changed: {
    type: 'run_status_changed',
    run_id: RUN,
    workflow_name: 'deploy',
    from: 'pending',
    to: 'running',
    error: null,
    cost_usd: 0,
    duration_ms: 0,
    labels: { env: 'prod', team: 'core' },
    at: AT,
  },
  run_failed: {
    type: 'run_failed',
    run_id: RUN,
    workflow_name: 'deploy',
    error: 'step build exited 2',
    cost_usd: 0.0125,
    duration_ms: 84012,
    labels: {},
    at: AT,
  },
  step_completed: {
    type: 'step_completed',
    run_id: RUN,
    step_id: STEP,
    step_name: 'build',
    kind: 'shell',
    duration_ms: 5230,
    cost_usd: 0.001,
    at: AT,
  },
  step_failed: {
    type: 'step_failed',
    run_id: RUN,
    step_id: STEP,
    step_name: 'test',
    kind: 'my-custom-op',
    error: 'assertion failed: "x" != "y"\nat line 3',
    at: AT,
  },
  approval_requested: {
    type: 'approval_requested',
    run_id: RUN,
    step_id: STEP,
    message: 'Ship to prod? ✅ 🚀',
    at: AT,
  },
  approval_granted: { type: 'approval_granted', run_id: RUN, approved_by: 'alice', at: AT },
  approval_rejected: { type: 'approval_rejected', run_id: RUN, rejected_by: 'bob', at: AT },
  log_line: {
    type: 'log_line',
    id: '0193a1f2-a000-7000-8000-000000000003',
    run_id: RUN,
    step_id: STEP,
    step_name: 'build',
    stream: 'stderr',
    line: 'warning: <script> & "quotes" \\ \u2028 end',
    at: AT,
  },
  user_signed_in: { type: 'user_signed_in', user_id: USER, username: 'alice', at: AT },
  user_signed_up: { type: 'user_signed_up', user_id: USER, username: 'alice', at: AT },
  user_signed_out: { type: 'user_signed_out', user_id: USER, at: AT },
});
