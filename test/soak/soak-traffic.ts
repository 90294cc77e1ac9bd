// What the soak publishes: seeded, so a run can be replayed; the stalled readers' bulk events.

export const KINDS = ['run_created', 'step_completed', 'log_line', 'approval_granted'] as const;
export type Kind = (typeof KINDS)[number];
/** The publishers' kinds and the bulk events' kind. */
export type PublishedKind = Kind | 'user_signed_in';
export const RUNS = Array.from(
  { length: 24 },
  (_, i) => `0193a1f2-7c4e-7b21-9d3a-${String(i).padStart(12, '0')}`,
);
export const STEP = '0193a1f2-8000-7000-8000-000000000001';
/** The user the stalled readers sign in as, and whom the bulk events concern. */
export const BULK_USER = '0193a1f2-0000-7000-8000-ffffffffffff';
export const BULK_EVENT_CHARS = 32 * 1024;
/** 16 × 32 KiB: one post stays well under the 2 MiB ingest body limit. */
export const BULK_BATCH = 16;

/** mulberry32: a small seeded generator, so a soak can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function event(kind: Kind, runId: string, n: number): Record<string, unknown> {
  switch (kind) {
    case 'run_created':
      return { type: kind, run_id: runId, workflow_name: `soak-${n}` };
    case 'step_completed':
      return {
        type: kind,
        run_id: runId,
        step_id: STEP,
        step_name: 'build',
        kind: 'shell',
        duration_ms: n,
        cost_usd: 0,
      };
    case 'log_line':
      // Long lines fill the stalled readers' buffers faster.
      return {
        type: kind,
        id: crypto.randomUUID(),
        run_id: runId,
        step_id: STEP,
        step_name: 'build',
        stream: 'stdout',
        line: `${n} ${'x'.repeat(1500)}`,
      };
    case 'approval_granted':
      return { type: kind, run_id: runId, approved_by: 'soak' };
  }
}

export function bulkEvent(n: number): Record<string, unknown> {
  const name = `bulk-${n}-`;
  return { type: 'user_signed_in', user_id: BULK_USER, username: name.padEnd(BULK_EVENT_CHARS, 'x') };
}

/** One published event, as the subscribers' expectations need it. */
export interface Published {
  readonly seq: number;
  readonly kind: PublishedKind;
  readonly runId: string | null;
  /** The user a `user_*` event concerns: only that user's streams receive it. */
  readonly userId: string | null;
}
