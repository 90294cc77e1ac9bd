import type { IronflowEvent, LogLine, RunStatus } from '@ironflow/engine';

/** An event as the page keeps it: `seq` orders what the page received, across reconnects. */
export interface Received {
  readonly seq: number;
  readonly cursor: string;
  readonly event: IronflowEvent;
}

/** A run as the page knows it; `status` is `unknown` until a status event for it arrives. */
export interface RunSummary {
  readonly runId: string;
  workflowName: string | null;
  status: RunStatus | 'unknown';
  error: string | null;
  events: number;
  /** When the run was created (`run_created`'s `at`), else the first of its events seen here. */
  startedAt: string;
  /** Whether {@link startedAt} is the run's creation (not only the first event this page saw). */
  startKnown: boolean;
  /** The `at` of its newest event. */
  lastAt: string;
  /** The run's own duration from its newest status event (`duration_ms`), null before one. */
  durationMs: number | null;
  /** The run's cost: its newest status event's `cost_usd`, else the sum of its completed steps. */
  costUsd: number;
  /** What its newest step-level event says, e.g. `build: completed`. */
  newestStep: string | null;
  /** The `seq` of the last event that changed this summary. */
  changedAt: number;
}

export interface ReceivedLog {
  readonly seq: number;
  readonly line: LogLine;
}

export interface LiveStateOptions {
  /** Events kept for the list. @default 500 */
  readonly maxEvents?: number;
  /** Runs kept; the oldest finished runs go first. @default 200 */
  readonly maxRuns?: number;
  /** Log lines kept per run. @default 1000 */
  readonly maxLogLines?: number;
}

// Arrays are trimmed in chunks, not on every push, so trimming costs O(1) amortised per event.
const TRIM_SLACK = 256;
const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/**
 * The page's model of the stream: the newest events, the runs with their current status, and the
 * log lines of each run. It never touches the DOM; the renderer reads it once per frame.
 */
export class LiveState {
  readonly maxEvents: number;
  readonly maxRuns: number;
  readonly maxLogLines: number;
  /** The `seq` of the newest event received (0 before any). */
  seq = 0;
  /** Bumped by {@link clear}, so a renderer knows to start over. */
  generation = 0;
  #events: Received[] = [];
  readonly runs = new Map<string, RunSummary>();
  /** Runs evicted since the renderer last drained this set. */
  readonly evictedRuns = new Set<string>();
  readonly #logs = new Map<string, ReceivedLog[]>();
  readonly #historyIds = new Map<string, ReadonlySet<string>>();
  readonly #logVersions = new Map<string, number>();

  constructor(options: LiveStateOptions = {}) {
    this.maxEvents = options.maxEvents ?? 500;
    this.maxRuns = options.maxRuns ?? 200;
    this.maxLogLines = options.maxLogLines ?? 1000;
  }

  add(cursor: string, event: IronflowEvent): void {
    const seq = ++this.seq;
    this.#events.push({ seq, cursor, event });
    if (this.#events.length > this.maxEvents + TRIM_SLACK)
      this.#events.splice(0, this.#events.length - this.maxEvents);
    if (!('run_id' in event)) return;

    const run = this.#run(event.run_id, seq, event.at);
    run.events += 1;
    if (event.at > run.lastAt) run.lastAt = event.at;
    if ('workflow_name' in event) run.workflowName = event.workflow_name;
    switch (event.type) {
      case 'run_created':
        if (run.status === 'unknown') run.status = 'pending';
        run.startedAt = event.at;
        run.startKnown = true;
        break;
      case 'run_status_changed':
        run.status = event.to;
        run.error = event.error;
        this.#runTotals(run, event.duration_ms, event.cost_usd);
        break;
      case 'run_failed':
        run.status = 'failed';
        run.error = event.error;
        this.#runTotals(run, event.duration_ms, event.cost_usd);
        break;
      case 'step_completed':
        run.newestStep = `${event.step_name}: completed`;
        if (run.durationMs === null) run.costUsd += event.cost_usd;
        break;
      case 'step_failed':
        run.newestStep = `${event.step_name}: failed`;
        break;
      case 'approval_requested':
        run.newestStep = 'awaiting approval';
        break;
      case 'approval_escalated':
        run.newestStep = `${event.step_name}: approval escalated`;
        break;
      case 'signal_awaited':
        run.newestStep = `${event.step_name}: waiting for ${event.name}`;
        break;
      case 'log_line':
        run.newestStep = `${event.step_name}: running`;
        this.#addLog(event, seq);
        break;
    }
    run.changedAt = seq;
  }

  /** The kept events received after `seq`, oldest first. */
  eventsAfter(seq: number): readonly Received[] {
    const events = this.#events;
    let start = events.length;
    while (start > 0 && (events[start - 1] as Received).seq > seq) start -= 1;
    const fresh = events.slice(start);
    return fresh.length > this.maxEvents ? fresh.slice(-this.maxEvents) : fresh;
  }

  /** The kept log lines of a run received after `seq`, oldest first. */
  logsAfter(runId: string, seq: number): readonly ReceivedLog[] {
    const logs = this.#logs.get(runId) ?? [];
    let start = logs.length;
    while (start > 0 && (logs[start - 1] as ReceivedLog).seq > seq) start -= 1;
    const fresh = logs.slice(start);
    return fresh.length > this.maxLogLines ? fresh.slice(-this.maxLogLines) : fresh;
  }

  /** Forgets everything received (the stream and its cursor are not affected). */
  clear(): void {
    this.#events = [];
    this.runs.clear();
    this.#logs.clear();
    this.#historyIds.clear();
    this.#logVersions.clear();
    this.evictedRuns.clear();
    this.generation += 1;
  }

  /** The kept event with this cursor, if any. */
  find(cursor: string): Received | undefined {
    for (let i = this.#events.length - 1; i >= 0; i -= 1) {
      const received = this.#events[i] as Received;
      if (received.cursor === cursor) return received;
    }
    return undefined;
  }

  #runTotals(run: RunSummary, durationMs: number, costUsd: number): void {
    // Upstream sends 0 for both until the run has a total; keep what the steps added up to until then.
    if (durationMs > 0) run.durationMs = durationMs;
    if (costUsd > 0 || durationMs > 0) run.costUsd = costUsd;
  }

  #run(runId: string, seq: number, at: string): RunSummary {
    let run = this.runs.get(runId);
    if (run === undefined) {
      run = {
        runId,
        workflowName: null,
        status: 'unknown',
        error: null,
        events: 0,
        startedAt: at,
        startKnown: false,
        lastAt: at,
        durationMs: null,
        costUsd: 0,
        newestStep: null,
        changedAt: seq,
      };
      this.runs.set(runId, run);
      if (this.runs.size > this.maxRuns) this.#evictOneRun();
    }
    return run;
  }

  #evictOneRun(): void {
    // Map order is first-seen order: drop the oldest finished run, else the oldest run.
    let victim: string | undefined;
    for (const run of this.runs.values()) {
      if (TERMINAL.has(run.status)) {
        victim = run.runId;
        break;
      }
    }
    victim ??= this.runs.keys().next().value;
    if (victim === undefined) return;
    this.runs.delete(victim);
    this.#logs.delete(victim);
    this.#historyIds.delete(victim);
    this.evictedRuns.add(victim);
  }

  #addLog(line: LogLine, seq: number): void {
    let logs = this.#logs.get(line.run_id);
    if (logs === undefined) {
      logs = [];
      this.#logs.set(line.run_id, logs);
    }
    // Already there from the run's history (GET /runs/{id}/logs): the same line, by its id.
    if (this.#historyIds.get(line.run_id)?.has(line.id)) return;
    logs.push({ seq, line });
    if (logs.length > this.maxLogLines + TRIM_SLACK) logs.splice(0, logs.length - this.maxLogLines);
  }

  /** Bumped for a run each time its earlier lines are merged in, so the console redraws it whole. */
  logsVersion(runId: string): number {
    return this.#logVersions.get(runId) ?? 0;
  }

  /**
   * Merges a run's retained log lines (oldest first, as the history route gives them) before the
   * lines received live, dropping those received both ways by their `id`.
   */
  mergeHistory(runId: string, history: readonly LogLine[]): void {
    const live = this.#logs.get(runId) ?? [];
    const ids = new Set(history.map((line) => line.id));
    const earlier = history.map((line) => ({ seq: 0, line }));
    const merged = [...earlier, ...live.filter((log) => !ids.has(log.line.id))];
    this.#logs.set(runId, merged.slice(-this.maxLogLines));
    this.#historyIds.set(runId, ids);
    this.#logVersions.set(runId, this.logsVersion(runId) + 1);
  }

  /** Every kept log line of a run, oldest first. */
  logsOf(runId: string): readonly ReceivedLog[] {
    return (this.#logs.get(runId) ?? []).slice(-this.maxLogLines);
  }
}
