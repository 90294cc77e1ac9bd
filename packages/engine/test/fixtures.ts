// One realistic event of each kind, already in canonical form (keys in documented order, lowercase UUIDs,
// UTC times ending in Z), written as JSON text so the round-trip compares exact bytes.
export const RUN_ID = '0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9e';
export const STEP_ID = '0190a8e4-8a02-7c44-b1d0-2e3f4a5b6c7d';
export const USER_ID = '3f2b8c1a-5d4e-4f6a-8b9c-0d1e2f3a4b5c';
export const ACCOUNT_ID = '0190a8e4-aa00-7c44-b1d0-2e3f4a5b6c7d';
const REQUIREMENT = '{"required_approvers":2,"approver_groups":["sre"],"reason":null}';

export const CANONICAL_EXAMPLES = {
  run_created: `{"type":"run_created","run_id":"${RUN_ID}","workflow_name":"deploy-prod","at":"2026-01-02T03:04:05.123Z"}`,
  run_status_changed: `{"type":"run_status_changed","run_id":"${RUN_ID}","workflow_name":"deploy-prod","from":"running","to":"awaiting_approval","error":null,"cost_usd":0.0425,"duration_ms":15320,"labels":{"env":"prod","team":"platform"},"at":"2026-01-02T03:04:20Z"}`,
  run_failed: `{"type":"run_failed","run_id":"${RUN_ID}","workflow_name":"deploy-prod","error":"step build exited with code 2","cost_usd":1.5,"duration_ms":98000,"labels":{},"at":"2026-01-02T03:06:00.5Z"}`,
  run_budget_exceeded: `{"type":"run_budget_exceeded","run_id":"${RUN_ID}","workflow_name":"deploy-prod","limit_usd":2,"spent_usd":1.8,"step_budget_usd":0.5,"at":"2026-01-02T03:04:30.12Z"}`,
  step_completed: `{"type":"step_completed","run_id":"${RUN_ID}","step_id":"${STEP_ID}","step_name":"build","kind":"shell","duration_ms":4210,"cost_usd":0,"at":"2026-01-02T03:04:09.333333Z"}`,
  step_failed: `{"type":"step_failed","run_id":"${RUN_ID}","step_id":"${STEP_ID}","step_name":"summarise","kind":"custom/llm-review","error":"timeout after 30000 ms","at":"2026-01-02T03:05:00Z"}`,
  approval_requested: `{"type":"approval_requested","run_id":"${RUN_ID}","step_id":"${STEP_ID}","message":"Deploy 4.2.0 to production?","requirement":${REQUIREMENT},"at":"2026-01-02T03:04:21Z"}`,
  approval_granted: `{"type":"approval_granted","run_id":"${RUN_ID}","step_id":"${STEP_ID}","approved_by":"alice","approvals_received":1,"approvals_required":2,"requirement":${REQUIREMENT},"at":"2026-01-02T03:10:00Z"}`,
  approval_rejected: `{"type":"approval_rejected","run_id":"${RUN_ID}","step_id":null,"rejected_by":"bob","requirement":null,"at":"2026-01-02T03:10:00Z"}`,
  approval_escalated: `{"type":"approval_escalated","run_id":"${RUN_ID}","step_id":"${STEP_ID}","step_name":"prod-gate","stage":1,"policy":"escalate","action":"reassigned","reason":"approval deadline of 3600s expired","assignee":"user:carol","at":"2026-01-02T04:04:21.9Z"}`,
  log_line: `{"type":"log_line","id":"0190a8e4-9b13-7d55-a2e1-3f4a5b6c7d8e","run_id":"${RUN_ID}","step_id":"${STEP_ID}","step_name":"build","stream":"stderr","line":"warning: \\"unused\\" variable\\tx","at":"2026-01-02T03:04:07.000001Z"}`,
  user_signed_in: `{"type":"user_signed_in","user_id":"${USER_ID}","username":"alice","at":"2026-01-02T08:00:00Z"}`,
  user_signed_up: `{"type":"user_signed_up","user_id":"${USER_ID}","username":"alice","at":"2026-01-01T12:00:00Z"}`,
  user_signed_out: `{"type":"user_signed_out","user_id":"${USER_ID}","at":"2026-01-02T18:30:00Z"}`,
  retry_forced: `{"type":"retry_forced","run_id":"${RUN_ID}","workflow_name":"deploy-prod","original_version":"1.4.2","current_version":"1.5.0","at":"2026-01-02T05:00:00Z"}`,
  'provider_account.updated': `{"type":"provider_account.updated","account_id":"${ACCOUNT_ID}","name":"anthropic-team","change":"created","at":"2026-01-02T06:00:00.5Z"}`,
  'provider_account.usage_updated': `{"type":"provider_account.usage_updated","account_id":"${ACCOUNT_ID}","name":"anthropic-team","windows":[{"account_id":"${ACCOUNT_ID}","window":"five_hour","utilization":0.5,"status":"allowed","resets_at":"2026-01-02T10:00:00Z","model_scope":null,"observed_at":"2026-01-02T06:00:00Z"}],"at":"2026-01-02T06:00:01Z"}`,
  signal_awaited: `{"type":"signal_awaited","run_id":"${RUN_ID}","step_id":"${STEP_ID}","step_name":"wait","name":"payment_confirmed","key":"order-1","deadline_at":"2026-01-03T00:00:00Z","at":"2026-01-02T07:00:00Z"}`,
  signal_received: `{"type":"signal_received","signal_id":"0190a8e4-bb00-7c44-b1d0-2e3f4a5b6c7d","name":"payment_confirmed","key":"order-1","resumed_runs":["${RUN_ID}"],"at":"2026-01-02T07:30:00Z"}`,
  schedule_occurrences_missed: `{"type":"schedule_occurrences_missed","schedule_id":"0190a8e4-cc00-7c44-b1d0-2e3f4a5b6c7d","workflow_name":"nightly","reason":"catchup_max","count":4,"first":"2026-01-01T00:00:00Z","last":"2026-01-01T03:00:00Z","at":"2026-01-02T08:00:00Z"}`,
} as const;

/** A parsed copy of the canonical example of `kind`, to edit in a test. */
export function example(kind: keyof typeof CANONICAL_EXAMPLES): Record<string, unknown> {
  return JSON.parse(CANONICAL_EXAMPLES[kind]) as Record<string, unknown>;
}
