import { randomUUID } from 'node:crypto';

/** A wall-clock timestamp in milliseconds with sub-millisecond precision, comparable across processes. */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

export const SAMPLE_RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';

/** `count` fresh run ids (lower-case UUIDs, as ironflow stores them). */
export function runIds(count) {
  return Array.from({ length: count }, () => randomUUID());
}

/**
 * One `run_status_changed` of about 300 bytes as JSON, carrying its sequence number and its publish
 * time in `labels` (strings, as labels are); clients check order and measure latency from them.
 */
export function statusEvent(seq, runId, publishedAtMs) {
  return {
    type: 'run_status_changed',
    run_id: runId,
    workflow_name: 'nightly-build-and-deploy',
    from: 'pending',
    to: 'running',
    error: null,
    cost_usd: 0.0125,
    duration_ms: 84012,
    labels: { seq: String(seq), t: publishedAtMs.toFixed(3), env: 'production', team: 'platform' },
    at: '2026-11-27T14:00:00.123Z',
  };
}
