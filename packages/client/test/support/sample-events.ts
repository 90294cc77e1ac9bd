import { EVENT_KINDS, exampleEvents } from '@ironflow/engine';

export const RUN_A = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';
export const RUN_B = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0e';
const AT = '2026-11-27T14:00:00.123Z';

/** A `run_created` whose workflow name numbers it, so order can be checked. */
export function runCreated(n: number, runId = RUN_A) {
  return { type: 'run_created' as const, run_id: runId, workflow_name: `wf-${n}`, at: AT };
}

/** The workflow names of `run_created` events, in order received. */
export function workflowNames(events: readonly { type: string }[]): string[] {
  return events.map((event) => (event as { workflow_name?: string }).workflow_name ?? event.type);
}

/** One canonical event of each of the 20 kinds, in upstream's order (from the engine). */
export const ONE_OF_EACH_KIND = EVENT_KINDS.map((kind) => exampleEvents[kind]);
