import { describeEvent, formatTime, shortId } from './describe-event.js';
import { element } from './dom.js';
import type { LiveState, Received, ReceivedLog, RunSummary } from './live-state.js';

export interface RendererElements {
  readonly events: HTMLOListElement;
  readonly eventsEmpty: HTMLElement;
  readonly runs: HTMLUListElement;
  readonly runsEmpty: HTMLElement;
  readonly console: HTMLOListElement;
  readonly consoleRun: HTMLElement;
  readonly consoleFilter: HTMLButtonElement;
  readonly counters: HTMLElement;
}

interface RunRow {
  readonly item: HTMLLIElement;
  readonly button: HTMLButtonElement;
  readonly name: HTMLSpanElement;
  readonly status: HTMLSpanElement;
  readonly count: HTMLSpanElement;
}

/**
 * Draws the {@link LiveState} at most once per animation frame: events that arrived since the last
 * frame are built into one fragment and inserted with one DOM call, the list is trimmed to the
 * state's cap, and nothing reads layout except the console's scroll position. While paused it
 * draws nothing but the counters, so events buffer in the state.
 */
export class Renderer {
  #scheduled = false;
  #paused = false;
  #generation = -1;
  #eventsSeq = 0;
  #eventRows = 0;
  #runsSeq = 0;
  readonly #runRows = new Map<string, RunRow>();
  #selected: string | null = null;
  #consoleSeq = 0;
  #consoleRows = 0;
  #stickToBottom = true;

  constructor(
    private readonly state: LiveState,
    private readonly view: RendererElements,
    private readonly onSelect: (runId: string | null) => void,
  ) {
    view.console.addEventListener('scroll', () => {
      const { scrollTop, clientHeight, scrollHeight } = view.console;
      this.#stickToBottom = scrollTop + clientHeight >= scrollHeight - 8;
    });
  }

  get paused(): boolean {
    return this.#paused;
  }

  get selectedRun(): string | null {
    return this.#selected;
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    this.schedule();
  }

  /** Shows the log lines of `runId` in the console (null: none). */
  select(runId: string | null): void {
    if (runId === this.#selected) return;
    const previous = this.#selected === null ? undefined : this.#runRows.get(this.#selected);
    previous?.button.setAttribute('aria-pressed', 'false');
    this.#selected = runId;
    this.#runRows.get(runId ?? '')?.button.setAttribute('aria-pressed', 'true');
    this.#consoleSeq = 0;
    this.#consoleRows = 0;
    this.#stickToBottom = true;
    this.view.console.replaceChildren();
    this.schedule();
  }

  /** Asks for a frame; any number of calls before it runs cost one frame. */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      this.#frame();
    });
  }

  #frame(): void {
    if (!this.#paused) {
      if (this.#generation !== this.state.generation) this.#reset();
      this.#drawEvents();
      this.#drawRuns();
      this.#drawConsole();
    }
    this.#drawCounters();
  }

  #reset(): void {
    this.#generation = this.state.generation;
    this.#eventsSeq = 0;
    this.#eventRows = 0;
    this.#runsSeq = 0;
    this.view.events.replaceChildren();
    this.view.runs.replaceChildren();
    this.#runRows.clear();
    this.#consoleSeq = 0;
    this.#consoleRows = 0;
    this.view.console.replaceChildren();
  }

  #drawEvents(): void {
    const fresh = this.state.eventsAfter(this.#eventsSeq);
    if (fresh.length === 0) return;
    const cap = this.state.maxEvents;
    const fragment = document.createDocumentFragment();
    for (let i = fresh.length - 1; i >= 0; i -= 1) fragment.append(eventRow(fresh[i] as Received));
    if (fresh.length >= cap) {
      this.view.events.replaceChildren(fragment);
      this.#eventRows = fresh.length;
    } else {
      this.view.events.prepend(fragment);
      this.#eventRows += fresh.length;
      for (; this.#eventRows > cap; this.#eventRows -= 1) this.view.events.lastElementChild?.remove();
    }
    this.#eventsSeq = (fresh[fresh.length - 1] as Received).seq;
    this.view.eventsEmpty.hidden = true;
  }

  #drawRuns(): void {
    for (const runId of this.state.evictedRuns) {
      this.#runRows.get(runId)?.item.remove();
      this.#runRows.delete(runId);
    }
    this.state.evictedRuns.clear();
    const fresh: HTMLLIElement[] = [];
    for (const run of this.state.runs.values()) {
      if (run.changedAt <= this.#runsSeq) continue;
      const row = this.#runRows.get(run.runId) ?? this.#newRunRow(run, fresh);
      updateRunRow(row, run);
    }
    // Map order is first-seen order; the newest run goes on top.
    if (fresh.length > 0) this.view.runs.prepend(...fresh.reverse());
    this.#runsSeq = this.state.seq;
    this.view.runsEmpty.hidden = this.#runRows.size > 0;
    if (this.#selected !== null && !this.state.runs.has(this.#selected)) {
      this.view.consoleRun.textContent = `Run ${shortId(this.#selected)} is no longer kept on this page.`;
    }
  }

  #newRunRow(run: RunSummary, fresh: HTMLLIElement[]): RunRow {
    const item = element('li');
    const button = element('button', 'run');
    button.type = 'button';
    button.title = run.runId;
    button.setAttribute('aria-pressed', String(run.runId === this.#selected));
    const name = element('span', 'run-name');
    const id = element('span', 'run-id', shortId(run.runId));
    const status = element('span', 'status');
    const count = element('span', 'run-count');
    button.append(name, id, status, count);
    button.addEventListener('click', () => this.onSelect(run.runId === this.#selected ? null : run.runId));
    item.append(button);
    const row = { item, button, name, status, count };
    this.#runRows.set(run.runId, row);
    fresh.push(item);
    return row;
  }

  #drawConsole(): void {
    const runId = this.#selected;
    const { console: list, consoleRun, consoleFilter } = this.view;
    consoleFilter.hidden = runId === null;
    if (runId === null) {
      consoleRun.textContent = 'Select a run to see its log lines.';
      return;
    }
    const run = this.state.runs.get(runId);
    if (run !== undefined) {
      consoleRun.textContent = `${run.workflowName ?? 'run'} ${shortId(runId)} · ${run.status}`;
    }
    const fresh = this.state.logsAfter(runId, this.#consoleSeq);
    if (fresh.length === 0) return;
    const cap = this.state.maxLogLines;
    const fragment = document.createDocumentFragment();
    for (const log of fresh) fragment.append(logRow(log));
    if (fresh.length >= cap) {
      list.replaceChildren(fragment);
      this.#consoleRows = fresh.length;
    } else {
      list.append(fragment);
      this.#consoleRows += fresh.length;
      for (; this.#consoleRows > cap; this.#consoleRows -= 1) list.firstElementChild?.remove();
    }
    this.#consoleSeq = (fresh[fresh.length - 1] as ReceivedLog).seq;
    // The one layout read per frame, and only when the console grew.
    if (this.#stickToBottom) list.scrollTop = list.scrollHeight;
  }

  #drawCounters(): void {
    const buffered = this.state.seq - this.#eventsSeq;
    const parts = [`${this.state.seq} received`, `${this.#eventRows} shown`];
    if (this.#paused) parts.push(`${buffered} buffered while paused`);
    this.view.counters.textContent = parts.join(' · ');
  }
}

function eventRow({ cursor, event }: Received): HTMLLIElement {
  const row = element('li', 'event');
  row.dataset.kind = event.type;
  if (cursor) row.dataset.cursor = cursor;
  const time = element('time', 'event-time', formatTime(event.at));
  time.dateTime = event.at;
  const kind = element('span', 'kind', event.type);
  const runId = 'run_id' in event ? event.run_id : null;
  const run = element('span', 'event-run', runId === null ? '—' : shortId(runId));
  if (runId !== null) {
    row.dataset.run = runId;
    run.title = runId;
  }
  row.append(time, kind, run, element('span', 'event-text', describeEvent(event)));
  return row;
}

function updateRunRow(row: RunRow, run: RunSummary): void {
  row.name.textContent = run.workflowName ?? 'run';
  row.status.textContent = run.status.replace('_', ' ');
  row.status.className = `status status-${run.status}`;
  row.count.textContent = `${run.events} ev`;
  row.button.title = run.error ? `${run.runId}: ${run.error}` : run.runId;
}

function logRow({ line }: ReceivedLog): HTMLLIElement {
  const row = element('li', `log log-${line.stream}`);
  row.append(
    element('span', 'log-time', formatTime(line.at)),
    element('span', 'log-step', line.step_name),
    element('span', 'log-text', line.line),
  );
  return row;
}
