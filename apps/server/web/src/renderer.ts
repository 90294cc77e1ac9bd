import { shortId } from './describe-event.js';
import { eventRow, logRow } from './event-row.js';
import { ListHold } from './list-hold.js';
import type { LiveState, Received, ReceivedLog } from './live-state.js';
import { createRunRow, type RunRow, updateRunRow, updateRunTimes } from './run-row.js';

export interface RendererElements {
  readonly eventsPane: HTMLElement;
  readonly events: HTMLOListElement;
  readonly eventsEmpty: HTMLElement;
  readonly eventsNew: HTMLButtonElement;
  readonly runsPane: HTMLElement;
  readonly runs: HTMLUListElement;
  readonly runsEmpty: HTMLElement;
  readonly runsNew: HTMLButtonElement;
  readonly console: HTMLOListElement;
  readonly consoleRun: HTMLElement;
  readonly consoleFilter: HTMLButtonElement;
  readonly counters: HTMLElement;
}

// How often the runs' "started … ago" is brought up to date: one timer for the page, not per row.
const RELATIVE_TIME_REFRESH_MS = 15_000;

/**
 * Draws the {@link LiveState} at most once per animation frame: events that arrived since the last
 * frame are built into one fragment and inserted with one DOM call, the list is trimmed to the
 * state's cap, and nothing reads layout except the console's scroll position. While paused it
 * draws nothing but the counters, so events buffer in the state. While the pointer or the focus is
 * in the event or run list, that list's new rows wait (see {@link ListHold}) so nothing moves under it.
 */
export class Renderer {
  #scheduled = false;
  #paused = false;
  #generation = -1;
  #eventsSeq = 0;
  #eventRows = 0;
  #runsSeq = 0;
  readonly #runRows = new Map<string, RunRow>();
  /** Rows of runs first seen while the run list was held, newest last. */
  #heldRuns: RunRow[] = [];
  #selected: string | null = null;
  #consoleSeq = 0;
  #consoleRows = 0;
  #consoleVersion = 0;
  #stickToBottom = true;
  #consoleHovered = false;
  readonly #eventsHold: ListHold;
  readonly #runsHold: ListHold;

  constructor(
    private readonly state: LiveState,
    private readonly view: RendererElements,
    private readonly onSelect: (runId: string | null) => void,
  ) {
    view.console.addEventListener('scroll', () => {
      const { scrollTop, clientHeight, scrollHeight } = view.console;
      this.#stickToBottom = scrollTop + clientHeight >= scrollHeight - 8;
    });
    view.console.addEventListener('pointermove', () => {
      this.#consoleHovered = true;
    });
    view.console.addEventListener('pointerleave', () => {
      this.#consoleHovered = false;
    });
    this.#eventsHold = new ListHold(view.eventsPane, view.events, view.eventsNew, 'event', () =>
      this.schedule(),
    );
    this.#runsHold = new ListHold(view.runsPane, view.runs, view.runsNew, 'run', () => this.schedule());
    view.runs.addEventListener('click', (click) => {
      const item = (click.target as Element).closest('li[data-run]');
      const runId = item instanceof HTMLElement ? (item.dataset.run ?? null) : null;
      if (runId !== null) this.onSelect(runId === this.#selected ? null : runId);
    });
    setInterval(() => this.#refreshTimes(), RELATIVE_TIME_REFRESH_MS);
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
    this.#consoleVersion = -1;
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
    this.#heldRuns = [];
    this.#consoleSeq = 0;
    this.#consoleRows = 0;
    this.#consoleVersion = -1;
    this.view.console.replaceChildren();
  }

  #drawEvents(): void {
    if (this.#eventsHold.held) {
      this.#eventsHold.show(Math.min(this.state.seq - this.#eventsSeq, this.state.maxEvents));
      return;
    }
    this.#eventsHold.show(0);
    const fresh = this.state.eventsAfter(this.#eventsSeq);
    this.view.eventsEmpty.hidden = this.#eventRows > 0 || fresh.length > 0;
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
  }

  #drawRuns(): void {
    const held = this.#runsHold.held;
    // Removing a row would move the rows below it: evictions wait with the new rows.
    if (!held) {
      for (const runId of this.state.evictedRuns) {
        if (this.state.runs.has(runId)) continue; // seen again since: its row stays
        this.#runRows.get(runId)?.item.remove();
        this.#runRows.delete(runId);
      }
      this.state.evictedRuns.clear();
    }
    const now = Date.now();
    for (const run of this.state.runs.values()) {
      if (run.changedAt <= this.#runsSeq) continue;
      let row = this.#runRows.get(run.runId);
      if (row === undefined) {
        row = createRunRow(run, run.runId === this.#selected);
        this.#runRows.set(run.runId, row);
        this.#heldRuns.push(row);
      }
      updateRunRow(row, run, now);
    }
    this.#runsSeq = this.state.seq;
    if (!held && this.#heldRuns.length > 0) {
      // Map order is first-seen order; the newest run goes on top.
      const fresh = this.#heldRuns.filter((row) => this.#runRows.get(row.item.dataset.run ?? '') === row);
      this.view.runs.prepend(...fresh.reverse().map((row) => row.item));
      this.#heldRuns = [];
    }
    this.#runsHold.show(this.#heldRuns.length);
    this.view.runsEmpty.hidden = this.#runRows.size > 0;
    if (this.#selected !== null && !this.state.runs.has(this.#selected)) {
      this.view.consoleRun.textContent = `Run ${shortId(this.#selected)} is not among the runs kept on this page.`;
    }
  }

  #drawConsole(): void {
    const runId = this.#selected;
    const { console: list, consoleRun, consoleFilter } = this.view;
    consoleFilter.classList.toggle('is-hidden', runId === null);
    if (runId === null) {
      consoleRun.textContent = 'Select a run to see its log lines.';
      return;
    }
    const run = this.state.runs.get(runId);
    if (run !== undefined) {
      consoleRun.textContent = `${run.workflowName ?? 'run'} ${shortId(runId)} · ${run.status.replace('_', ' ')}`;
    }
    const version = this.state.logsVersion(runId);
    if (version !== this.#consoleVersion) {
      // The run's earlier lines were merged in: draw the console again from the top.
      this.#consoleVersion = version;
      this.#consoleSeq = -1;
      this.#consoleRows = 0;
      list.replaceChildren();
    }
    const fresh =
      this.#consoleSeq < 0 ? this.state.logsOf(runId) : this.state.logsAfter(runId, this.#consoleSeq);
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
    // The one layout read per frame, and only when the console grew; never under the pointer.
    if (this.#stickToBottom && !this.#consoleHovered) list.scrollTop = list.scrollHeight;
  }

  #drawCounters(): void {
    const waiting = this.state.seq - this.#eventsSeq;
    const parts = [`${this.state.seq} received`, `${this.#eventRows} shown`];
    if (this.#paused) parts.push(`${waiting} buffered while paused`);
    this.view.counters.textContent = parts.join(' · ');
  }

  #refreshTimes(): void {
    if (this.#paused) return;
    const now = Date.now();
    for (const [runId, row] of this.#runRows) {
      const run = this.state.runs.get(runId);
      if (run !== undefined) updateRunTimes(row, run, now);
    }
  }
}
