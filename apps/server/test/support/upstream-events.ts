// Events exactly as upstream's Rust engine (serde_json) writes them: every optional field present (as
// null when empty), money as JSON numbers (some spelled `5.0`), dotted kind names, times in `Z` with
// 0, 3, 6 or 9 fraction digits, and extra fields a newer producer adds (one placed before the known
// fields, to prove the output moves it after them). Raw JSON text, so spellings reach the server as is.

const RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';
const STEP = '0193a1f2-8000-7000-8000-000000000001';
const USER = '0193a1f2-9000-7000-8000-000000000002';
const ACCOUNT = '0193a1f2-b000-7000-8000-000000000004';
const REQUIREMENT = '{"required_approvers":2,"approver_groups":["sre","release"],"reason":"prod deploy"}';
const EXTRA = '"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","x_meta":{"b":[1,2.5,null],"a":{"deep":true}}';

export const UPSTREAM_EVENTS: Readonly<Record<string, string>> = {
  run_created: `{"type":"run_created","run_id":"${RUN}","workflow_name":"deploy","at":"2026-11-27T14:00:00Z",${EXTRA}}`,
  run_status_changed: `{"type":"run_status_changed","run_id":"${RUN}","workflow_name":"deploy","from":"running","to":"warning","error":null,"cost_usd":5.0,"duration_ms":84012,"labels":{"env":"prod","team":"core"},"at":"2026-11-27T14:00:01.123Z",${EXTRA}}`,
  run_failed: `{"schema_version":3,"type":"run_failed","run_id":"${RUN}","workflow_name":"deploy","error":"step build exited 2","cost_usd":0.0125,"duration_ms":84012,"labels":{},"at":"2026-11-27T14:00:02.123456Z"}`,
  run_budget_exceeded: `{"type":"run_budget_exceeded","run_id":"${RUN}","workflow_name":"review","limit_usd":2.00,"spent_usd":1.8,"step_budget_usd":0.5,"at":"2026-11-27T14:00:03.123456789Z",${EXTRA}}`,
  step_completed: `{"type":"step_completed","run_id":"${RUN}","step_id":"${STEP}","step_name":"build","kind":"shell","duration_ms":5230,"cost_usd":0.0,"at":"2026-11-27T14:00:04.5Z"}`,
  step_failed: `{"type":"step_failed","run_id":"${RUN}","step_id":"${STEP}","step_name":"lint","kind":"my-custom-op","error":"exit code 1","at":"2026-11-27T14:00:05.000Z",${EXTRA}}`,
  approval_requested: `{"type":"approval_requested","run_id":"${RUN}","step_id":"${STEP}","message":"Ship to prod?","requirement":${REQUIREMENT},"at":"2026-11-27T14:00:06Z"}`,
  approval_granted: `{"type":"approval_granted","run_id":"${RUN}","step_id":"${STEP}","approved_by":"alice@example.com","approvals_received":2,"approvals_required":2,"requirement":${REQUIREMENT},"at":"2026-11-27T14:00:07.100Z",${EXTRA}}`,
  approval_rejected: `{"type":"approval_rejected","run_id":"${RUN}","step_id":null,"rejected_by":"bob","requirement":null,"at":"2026-11-27T14:00:08Z"}`,
  approval_escalated: `{"type":"approval_escalated","run_id":"${RUN}","step_id":"${STEP}","step_name":"prod-gate","stage":1,"policy":"escalate","action":"reassigned","reason":"approval deadline of 3600s expired","assignee":"group:sre-oncall","at":"2026-11-27T14:00:09.999999Z"}`,
  log_line: `{"type":"log_line","id":"0193a1f2-a000-7000-8000-000000000003","run_id":"${RUN}","step_id":"${STEP}","step_name":"build","stream":"stderr","line":"","at":"2026-11-27T14:00:10.123Z",${EXTRA}}`,
  user_signed_in: `{"type":"user_signed_in","user_id":"${USER}","username":"alice","at":"2026-11-27T14:00:11Z"}`,
  user_signed_up: `{"type":"user_signed_up","user_id":"${USER}","username":"alice","at":"2026-11-27T14:00:12Z",${EXTRA}}`,
  user_signed_out: `{"type":"user_signed_out","user_id":"${USER}","at":"2026-11-27T14:00:13.000001Z"}`,
  retry_forced: `{"type":"retry_forced","run_id":"0193a1f2-c000-7000-8000-000000000005","workflow_name":"deploy","original_version":"1.4.2","current_version":"1.5.0","at":"2026-11-27T14:00:14Z"}`,
  'provider_account.updated': `{"type":"provider_account.updated","account_id":"${ACCOUNT}","name":"anthropic-team","change":"token_replaced","at":"2026-11-27T14:00:15.5Z",${EXTRA}}`,
  'provider_account.usage_updated': `{"type":"provider_account.usage_updated","account_id":"${ACCOUNT}","name":"anthropic-team","windows":[{"account_id":"${ACCOUNT}","window":"five_hour","utilization":0.82,"status":"allowed_warning","resets_at":"2026-11-27T18:00:00Z","model_scope":null,"observed_at":"2026-11-27T14:00:16.123Z"},{"account_id":"${ACCOUNT}","window":"seven_day","utilization":1.0,"status":"rejected","resets_at":null,"model_scope":"opus","observed_at":"2026-11-27T14:00:16Z"}],"at":"2026-11-27T14:00:16.123456Z"}`,
  signal_awaited: `{"type":"signal_awaited","run_id":"${RUN}","step_id":"${STEP}","step_name":"wait-for-payment","name":"payment_confirmed","key":"order-1042","deadline_at":"2026-11-28T14:00:00Z","at":"2026-11-27T14:00:17Z",${EXTRA}}`,
  signal_received: `{"type":"signal_received","signal_id":"0193a1f2-d000-7000-8000-000000000006","name":"payment_confirmed","key":"order-1042","resumed_runs":["${RUN}"],"at":"2026-11-27T14:00:18.123456789Z"}`,
  schedule_occurrences_missed: `{"type":"schedule_occurrences_missed","schedule_id":"0193a1f2-e000-7000-8000-000000000007","workflow_name":"nightly","reason":"outside_window","count":3,"first":"2026-11-27T01:00:00Z","last":"2026-11-27T03:00:00Z","at":"2026-11-27T14:00:19Z",${EXTRA}}`,
};

/** Payloads of older producers, each with the fields upstream's serde defaults fill, as they must come out. */
export const LEGACY_EVENTS: readonly { readonly sent: string; readonly defaults: Record<string, unknown> }[] =
  [
    {
      sent: `{"type":"approval_granted","run_id":"${RUN}","approved_by":"alice","at":"2026-11-27T15:00:00Z"}`,
      defaults: { step_id: null, approvals_received: 1, approvals_required: 1, requirement: null },
    },
    {
      sent: `{"type":"approval_rejected","run_id":"${RUN}","rejected_by":"bob","at":"2026-11-27T15:00:01Z"}`,
      defaults: { step_id: null, requirement: null },
    },
    {
      sent: `{"type":"approval_requested","run_id":"${RUN}","step_id":"${STEP}","message":"ok?","at":"2026-11-27T15:00:02Z"}`,
      defaults: { requirement: null },
    },
    {
      sent: `{"type":"run_status_changed","run_id":"${RUN}","workflow_name":"deploy","from":"running","to":"sleeping","error":null,"cost_usd":0,"duration_ms":0,"at":"2026-11-27T15:00:03Z"}`,
      defaults: { labels: {} },
    },
    {
      sent: `{"type":"approval_escalated","run_id":"${RUN}","step_id":"${STEP}","step_name":"gate","stage":0,"policy":"notify","action":"notified","reason":"late","at":"2026-11-27T15:00:04Z"}`,
      defaults: { assignee: null },
    },
  ];

/** The log_line of an older producer, without `id`: the server mints a UUID v7. */
export const LEGACY_LOG_LINE = `{"type":"log_line","run_id":"${RUN}","step_id":"${STEP}","step_name":"build","stream":"stdout","line":"hello","at":"2026-11-27T15:00:05Z"}`;
