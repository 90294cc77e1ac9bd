import { EVENT_KINDS, exampleEvents } from '@ironflow/engine';

export const RUN_A = exampleEvents.run_created.run_id;
export const RUN_B = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0e';

/** One canonical example of each of the 20 kinds, in upstream's order (from the engine). */
export const SAMPLE_EVENTS = EVENT_KINDS.map((kind) => exampleEvents[kind]);

/** A valid `run_created` for `runId`, with a distinguishing workflow name. */
export function runCreated(runId: string, workflowName = 'wf'): Record<string, unknown> {
  return { ...exampleEvents.run_created, run_id: runId, workflow_name: workflowName };
}

/**
 * Ingests `total` ~8 KB `run_status_changed` events in batches of 100: enough bytes to fill the
 * kernel's socket buffers of a client that stopped reading.
 */
export async function ingestBulky(
  srv: { ingest(body: unknown): Promise<Response> },
  total: number,
): Promise<void> {
  const labels = { filler: 'x'.repeat(8000) };
  for (let sent = 0; sent < total; sent += 100) {
    const batch = Array.from({ length: Math.min(100, total - sent) }, () => ({
      ...exampleEvents.run_status_changed,
      workflow_name: 'load',
      labels,
    }));
    const response = await srv.ingest(batch);
    if (response.status !== 202)
      throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  }
}
