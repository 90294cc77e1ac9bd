import { setTimeout as delay } from 'node:timers/promises';
import type { EventInputOf, EventKind, RunStatus } from '@ironflow/engine';
import type { DemoIngestClient } from './demo-ingest-client.js';
import { actionSize, type DemoAction, type DemoOdds, simulateRun } from './demo-run.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly client: DemoIngestClient;
  /** Events per second published on average. @default 20 */
  readonly rate?: number;
  /** Runs in flight at once; a finished run is replaced by a new one. @default 4 */
  readonly runs?: number;
  /** Stop after this long; null runs until `signal` aborts. @default null */
  readonly durationMs?: number | null;
  /** Stops the demo after the request in flight (e.g. on Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  readonly odds?: DemoOdds;
}

/** What a demo published. */
export interface DemoSummary {
  readonly elapsedMs: number;
  readonly events: number;
  readonly byKind: Readonly<Partial<Record<EventKind, number>>>;
  readonly runsStarted: number;
  /** Finished runs by final status. */
  readonly runsFinished: Readonly<Partial<Record<RunStatus, number>>>;
  /** Runs left unfinished when the demo stopped. */
  readonly runsInProgress: number;
}

type RunSimulation = Generator<DemoAction, RunStatus>;

// Pacing works in ticks: each tick publishes what the rate allows so far, runs side by side, each
// run's actions in order with consecutive events in one request.
const TICK_MS = 50;

/**
 * Publishes simulated workflow runs through the ingest routes at `rate` events per second until
 * `durationMs` passes or `signal` aborts, and returns what it published. A request that fails
 * ends the demo with a {@link DemoIngestError}.
 *
 * @example
 * ```ts
 * const client = createDemoIngestClient('http://127.0.0.1:3000', workerToken);
 * const summary = await runDemo({ client, rate: 50, durationMs: 10_000 });
 * ```
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const { client, signal, random = Math.random } = options;
  const rate = options.rate ?? 20;
  const concurrency = options.runs ?? 4;
  const durationMs = options.durationMs ?? null;
  const inFlight: RunSimulation[] = [];
  const byKind: Partial<Record<EventKind, number>> = {};
  const runsFinished: Partial<Record<RunStatus, number>> = {};
  let runsStarted = 0;
  let published = 0;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const count = (kind: EventKind, n: number) => {
    byKind[kind] = (byKind[kind] ?? 0) + n;
    published += n;
  };

  /** The next action of a random run in flight, topping the runs up first. */
  function nextAction(): { readonly run: RunSimulation; readonly action: DemoAction } {
    for (;;) {
      while (inFlight.length < concurrency) {
        inFlight.push(simulateRun(random, options.odds));
        runsStarted += 1;
      }
      const index = Math.floor(random() * inFlight.length);
      const run = inFlight[index] as RunSimulation;
      const step = run.next();
      if (!step.done) return { run, action: step.value };
      runsFinished[step.value] = (runsFinished[step.value] ?? 0) + 1;
      inFlight.splice(index, 1);
    }
  }

  /** Sends one run's actions in order; consecutive event actions share one request. */
  async function send(actions: readonly DemoAction[]): Promise<void> {
    let batch: EventInputOf<EventKind>[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      // Stamped when sent, not when simulated, so times follow the log's order (a status change
      // and its run_failed keep sharing one time).
      const at = new Date().toISOString();
      const events = batch.map((event) => ({ ...event, at }));
      batch = [];
      await client.postEvents(events);
      for (const event of events) count(event.type, 1);
    };
    for (const action of actions) {
      if (action.kind === 'events') {
        batch.push(...action.events);
        continue;
      }
      await flush();
      const { runId, stepId, stepName, stream, lines } = action;
      await client.postLogs(runId, { step_id: stepId, step_name: stepName, stream, lines });
      count('log_line', lines.length);
    }
    await flush();
  }

  const stopped = () => signal?.aborted === true || (durationMs !== null && elapsed() >= durationMs);
  // Publish what is due, then stop or wait a tick: the last round tops up to the duration's share.
  for (;;) {
    const due = Math.min(durationMs ?? Number.POSITIVE_INFINITY, elapsed()) * (rate / 1000);
    const perRun = new Map<RunSimulation, DemoAction[]>();
    for (let budget = Math.floor(due) + 1 - published; budget > 0; ) {
      const { run, action } = nextAction();
      budget -= actionSize(action);
      const actions = perRun.get(run);
      if (actions) actions.push(action);
      else perRun.set(run, [action]);
    }
    // Order matters only within a run, so runs are sent side by side, each in its own order.
    await Promise.all([...perRun.values()].map(send));
    if (stopped()) break;
    await delay(TICK_MS, undefined, { signal }).catch((error: unknown) => {
      if (!signal?.aborted) throw error; // an abort only ends the wait; the loop then stops
    });
  }

  return {
    elapsedMs: Math.round(elapsed()),
    events: published,
    byKind,
    runsStarted,
    runsFinished,
    runsInProgress: inFlight.length,
  };
}
