// The event detail panel: the whole event, formatted, with its time in the viewer's zone, its
// cursor and copy buttons. It overlays the panes (nothing under it moves) and is closed with its
// button or Escape, after which the focus returns to where it came from.
import type { IronflowEvent } from '@ironflow/engine';
import { describeEvent } from './describe-event.js';
import { byId } from './dom.js';
import { formatDateTime, formatRelative } from './format-time.js';

/** What the panel shows: an event with its cursor, or only a cursor the page could not find. */
export type PanelContent =
  | { readonly cursor: string; readonly event: IronflowEvent }
  | { readonly cursor: string; readonly event: null; readonly note: string };

export class EventPanel {
  readonly #panel = byId('event-panel', HTMLElement);
  readonly #title = byId('event-panel-title', HTMLElement);
  readonly #kind = byId('event-panel-kind', HTMLElement);
  readonly #time = byId('event-panel-time', HTMLElement);
  readonly #run = byId('event-panel-run', HTMLElement);
  readonly #cursor = byId('event-panel-cursor', HTMLElement);
  readonly #summary = byId('event-panel-summary', HTMLElement);
  readonly #json = byId('event-panel-json', HTMLElement);
  readonly #copied = byId('event-panel-copied', HTMLElement);
  readonly #copyJson = byId('event-panel-copy', HTMLButtonElement);
  #content: PanelContent | null = null;
  #returnFocus: HTMLElement | null = null;

  constructor(private readonly onClose: () => void) {
    byId('event-panel-close', HTMLButtonElement).addEventListener('click', () => this.close());
    this.#panel.addEventListener('keydown', (key) => {
      if (key.key === 'Escape') this.close();
    });
    this.#copyJson.addEventListener('click', () => void this.#copy(this.#json.textContent ?? '', 'JSON'));
    byId('event-panel-copy-cursor', HTMLButtonElement).addEventListener(
      'click',
      () => void this.#copy(this.#content?.cursor ?? '', 'Cursor'),
    );
  }

  /** The cursor of the open event, or null when the panel is closed. */
  get cursor(): string | null {
    return this.#content?.cursor ?? null;
  }

  get content(): PanelContent | null {
    return this.#content;
  }

  open(content: PanelContent, returnFocus: HTMLElement | null = null): void {
    this.#content = content;
    this.#returnFocus = returnFocus;
    this.#cursor.textContent = content.cursor;
    this.#copied.textContent = '';
    const { event } = content;
    if (event === null) {
      this.#title.textContent = 'Event';
      for (const field of [this.#kind, this.#time, this.#run]) field.textContent = '—';
      this.#summary.textContent = content.note;
      this.#json.textContent = '';
      this.#copyJson.disabled = true;
    } else {
      this.#title.textContent = `Event ${event.type}`;
      this.#kind.textContent = event.type;
      this.#time.textContent = `${formatDateTime(event.at)} (${formatRelative(event.at)})`;
      this.#time.title = event.at;
      this.#run.textContent = 'run_id' in event ? event.run_id : 'none (not a run event)';
      this.#summary.textContent = describeEvent(event);
      this.#json.textContent = JSON.stringify(event, null, 2);
      this.#copyJson.disabled = false;
    }
    this.#panel.hidden = false;
    this.#title.focus();
  }

  close(): void {
    if (this.#panel.hidden) return;
    this.#panel.hidden = true;
    this.#content = null;
    const back = this.#returnFocus;
    this.#returnFocus = null;
    if (back?.isConnected) back.focus();
    this.onClose();
  }

  async #copy(text: string, what: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.#copied.textContent = `${what} copied.`;
    } catch {
      this.#copied.textContent = `Could not copy; select the ${what.toLowerCase()} and copy it by hand.`;
    }
  }
}
