// The view in the address bar, so it can be shared and survives a reload:
// `?run=<selected run>&filter_run=<run filter>&types=<kinds>&event=<cursor of the open event>`.
import { EVENT_KINDS, type EventKind, type IronflowEvent } from '@ironflow/engine';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Cursors are opaque, but short and URL-safe; anything else in a link is ignored, not sent.
const CURSOR = /^[A-Za-z0-9._~-]{1,200}$/;

export interface ViewState {
  /** The run whose console is open. */
  readonly run: string | null;
  /** The stream's run filter. */
  readonly filterRun: string | null;
  /** The kinds filter; empty means every kind. */
  readonly types: readonly EventKind[];
  /** The cursor of the event open in the detail panel. */
  readonly event: string | null;
}

/** What `history.state` keeps of the open event, so a reload can show it without asking the server. */
export interface OpenEventMemo {
  readonly cursor: string;
  readonly event: IronflowEvent;
}

export function isRunId(value: string): boolean {
  return UUID.test(value);
}

/** Reads the view from a query string; values that do not fit are dropped. */
export function readViewState(search: string): ViewState {
  const query = new URLSearchParams(search);
  const run = query.get('run')?.toLowerCase() ?? '';
  const filterRun = query.get('filter_run')?.toLowerCase() ?? '';
  const kinds = new Set((query.get('types') ?? '').split(',').map((kind) => kind.trim()));
  const types = EVENT_KINDS.filter((kind) => kinds.has(kind));
  const event = query.get('event') ?? '';
  return {
    run: UUID.test(run) ? run : null,
    filterRun: UUID.test(filterRun) ? filterRun : null,
    types: types.length === EVENT_KINDS.length ? [] : types,
    event: CURSOR.test(event) ? event : null,
  };
}

/** The query string of a view (`?…`, or an empty string for the default view). */
export function viewQuery(view: ViewState): string {
  const query = new URLSearchParams();
  if (view.run) query.set('run', view.run);
  if (view.filterRun) query.set('filter_run', view.filterRun);
  if (view.types.length > 0 && view.types.length < EVENT_KINDS.length)
    query.set('types', view.types.join(','));
  if (view.event) query.set('event', view.event);
  // Commas and dots read better in a shared link than %2C.
  const text = query.toString().replaceAll('%2C', ',');
  return text ? `?${text}` : '';
}

/** Writes the view to the address bar without adding a history entry; `memo` rides in `history.state`. */
export function writeViewState(view: ViewState, memo: OpenEventMemo | null): void {
  const url = `${location.pathname}${viewQuery(view)}${location.hash}`;
  history.replaceState(memo === null ? null : { openEvent: memo }, '', url);
}

/** The open event kept by {@link writeViewState} before a reload, if it is the one with `cursor`. */
export function rememberedEvent(cursor: string): OpenEventMemo | null {
  const memo = (history.state as { openEvent?: OpenEventMemo } | null)?.openEvent;
  return memo?.cursor === cursor && typeof memo.event === 'object' ? memo : null;
}
