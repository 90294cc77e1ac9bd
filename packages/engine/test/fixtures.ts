// One realistic event of each kind, already in canonical form (keys in SPEC order, lowercase UUIDs,
// UTC times ending in Z), written as JSON text so the round-trip compares exact bytes.
export const RUN_ID = '0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9e';
export const STEP_ID = '0190a8e4-8a02-7c44-b1d0-2e3f4a5b6c7d';
export const USER_ID = '3f2b8c1a-5d4e-4f6a-8b9c-0d1e2f3a4b5c';

export const CANONICAL_EXAMPLES = {
  run_created: `{"type":"run_created","run_id":"${RUN_ID}","workflow_name":"deploy-prod","at":"2026-01-02T03:04:05.123Z"}`,
  run_status_changed: `{"type":"run_status_changed","run_id":"${RUN_ID}","workflow_name":"deploy-prod","from":"running","to":"awaiting_approval","error":null,"cost_usd":0.0425,"duration_ms":15320,"labels":{"env":"prod","team":"platform"},"at":"2026-01-02T03:04:20Z"}`,
  run_failed: `{"type":"run_failed","run_id":"${RUN_ID}","workflow_name":"deploy-prod","error":"step build exited with code 2","cost_usd":1.5,"duration_ms":98000,"labels":{},"at":"2026-01-02T03:06:00.5Z"}`,
  step_completed: `{"type":"step_completed","run_id":"${RUN_ID}","step_id":"${STEP_ID}","step_name":"build","kind":"shell","duration_ms":4210,"cost_usd":0,"at":"2026-01-02T03:04:09.333333Z"}`,
  step_failed: `{"type":"step_failed","run_id":"${RUN_ID}","step_id":"${STEP_ID}","step_name":"summarise","kind":"custom/llm-review","error":"timeout after 30000 ms","at":"2026-01-02T03:05:00Z"}`,
  approval_requested: `{"type":"approval_requested","run_id":"${RUN_ID}","step_id":"${STEP_ID}","message":"Deploy 4.2.0 to production?","at":"2026-01-02T03:04:21Z"}`,
  approval_granted: `{"type":"approval_granted","run_id":"${RUN_ID}","approved_by":"alice","at":"2026-01-02T03:10:00Z"}`,
  approval_rejected: `{"type":"approval_rejected","run_id":"${RUN_ID}","rejected_by":"bob","at":"2026-01-02T03:10:00Z"}`,
  log_line: `{"type":"log_line","id":"0190a8e4-9b13-7d55-a2e1-3f4a5b6c7d8e","run_id":"${RUN_ID}","step_id":"${STEP_ID}","step_name":"build","stream":"stderr","line":"warning: \\"unused\\" variable\\tx","at":"2026-01-02T03:04:07.000001Z"}`,
  user_signed_in: `{"type":"user_signed_in","user_id":"${USER_ID}","username":"alice","at":"2026-01-02T08:00:00Z"}`,
  user_signed_up: `{"type":"user_signed_up","user_id":"${USER_ID}","username":"alice","at":"2026-01-01T12:00:00Z"}`,
  user_signed_out: `{"type":"user_signed_out","user_id":"${USER_ID}","at":"2026-01-02T18:30:00Z"}`,
} as const;

/** A parsed copy of the canonical example of `kind`, to edit in a test. */
export function example(kind: keyof typeof CANONICAL_EXAMPLES): Record<string, unknown> {
  return JSON.parse(CANONICAL_EXAMPLES[kind]) as Record<string, unknown>;
}
