// The live event page: sign in, then follow the stream with filters, pause, a run console and an
// event detail panel, the view kept in the address bar.
// First, before any module builds a zod schema:
import './zod-without-eval.js';
import { validateEvent } from '@ironflow/engine';
import { fetchSession, refreshSession, type SessionUser, signOut } from './api.js';
import { wireAuthForms } from './auth-forms.js';
import { byId } from './dom.js';
import { wireEventListInput } from './event-list-input.js';
import { EventPanel } from './event-panel.js';
import { fetchRunLogs } from './fetch-run-logs.js';
import { wireFilterForm } from './filter-form.js';
import { findLinkedEvent } from './find-linked-event.js';
import { zoneLabel } from './format-time.js';
import { LiveState } from './live-state.js';
import type { GapNotice } from './parse-message.js';
import { Renderer } from './renderer.js';
import { type ConnectionState, EventStream, type StreamFilters } from './stream.js';
import { readViewState, rememberedEvent, writeViewState } from './url-state.js';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  stopped: 'Not connected',
};

const ui = {
  connection: byId('connection', HTMLElement),
  connectionText: byId('connection-text', HTMLElement),
  session: byId('session', HTMLElement),
  sessionUser: byId('session-user', HTMLElement),
  signOut: byId('sign-out', HTMLButtonElement),
  auth: byId('auth', HTMLElement),
  authError: byId('auth-error', HTMLElement),
  signInForm: byId('sign-in-form', HTMLFormElement),
  signInError: byId('sign-in-error', HTMLElement),
  signUpForm: byId('sign-up-form', HTMLFormElement),
  signUpError: byId('sign-up-error', HTMLElement),
  live: byId('live', HTMLElement),
  filters: byId('filters', HTMLFormElement),
  filterRun: byId('filter-run', HTMLInputElement),
  filterError: byId('filter-error', HTMLElement),
  kindBoxes: byId('kind-boxes', HTMLElement),
  kindsAll: byId('kinds-all', HTMLButtonElement),
  kindsNone: byId('kinds-none', HTMLButtonElement),
  pause: byId('pause', HTMLButtonElement),
  clear: byId('clear', HTMLButtonElement),
  gap: byId('gap', HTMLElement),
  gapText: byId('gap-text', HTMLElement),
  gapDismiss: byId('gap-dismiss', HTMLButtonElement),
  events: byId('events', HTMLOListElement),
  eventsHint: byId('events-hint', HTMLElement),
  consoleFilter: byId('console-filter', HTMLButtonElement),
};

const state = new LiveState();
const renderer = new Renderer(
  state,
  {
    eventsPane: byId('events-pane', HTMLElement),
    events: ui.events,
    eventsEmpty: byId('events-empty', HTMLElement),
    eventsNew: byId('events-new', HTMLButtonElement),
    runsPane: byId('runs-pane', HTMLElement),
    runs: byId('runs', HTMLUListElement),
    runsEmpty: byId('runs-empty', HTMLElement),
    runsNew: byId('runs-new', HTMLButtonElement),
    console: byId('console', HTMLOListElement),
    consoleRun: byId('console-run', HTMLElement),
    consoleFilter: ui.consoleFilter,
    counters: byId('counters', HTMLElement),
  },
  (runId) => {
    selectRun(runId);
    saveView();
  },
);

/**
 * Shows a run's console, with its earlier lines read once from the history route: the stream may
 * have started after them (a backlog of other events, a link that resumes after a cursor).
 */
function selectRun(runId: string | null): void {
  renderer.select(runId);
  if (runId === null) return;
  const generation = state.generation;
  fetchRunLogs(runId).then(
    (lines) => {
      if (state.generation === generation && lines.length > 0) {
        state.mergeHistory(runId, lines);
        renderer.schedule();
      }
    },
    (error: unknown) => console.warn(`ironflow: could not read the earlier log lines of run ${runId}`, error),
  );
}
const panel = new EventPanel(() => saveView());
// The console scrolls on its own and has nothing focusable inside: keyboard users focus it to scroll.
byId('console', HTMLOListElement).tabIndex = 0;
ui.eventsHint.textContent = `newest first · times in ${zoneLabel()}`;

const filterForm = wireFilterForm(
  {
    form: ui.filters,
    runInput: ui.filterRun,
    error: ui.filterError,
    kindBoxes: ui.kindBoxes,
    allKinds: ui.kindsAll,
    noKinds: ui.kindsNone,
  },
  applyFilters,
);

let signedIn: SessionUser | null = null;
// The view as the address bar had it when the page loaded: restored once, at the first sign-in.
const linked = readViewState(location.search);
let filters: StreamFilters = { runId: linked.filterRun, types: linked.types };
filterForm.show(filters);
let pendingLink = linked;

function saveView(): void {
  const content = panel.content;
  writeViewState(
    {
      run: renderer.selectedRun,
      filterRun: filters.runId,
      types: filters.types,
      event: content?.cursor ?? null,
    },
    content !== null && content.event !== null ? { cursor: content.cursor, event: content.event } : null,
  );
}

const stream = new EventStream({
  onEvent(cursor, event) {
    state.add(cursor, event);
    renderer.schedule();
  },
  onGap: showGap,
  onState(connection) {
    ui.connection.dataset.state = connection;
    ui.connectionText.textContent = CONNECTION_TEXT[connection];
  },
  onInvalid(reason) {
    console.warn(`ironflow: skipped a stream message: ${reason}`);
  },
  async onGiveUp() {
    // The usual reason is an expired access token: renew it, else ask the user to sign in again.
    if (signedIn === null) return false;
    if (await refreshSession()) return true;
    const user = await fetchSession().catch(() => signedIn);
    if (user !== null) return true;
    showAuth('Your session has ended; sign in again.');
    return false;
  },
});

function showGap(gap: GapNotice): void {
  const after = gap.resumed_after === null ? 'the start of the server’s current log' : gap.resumed_after;
  ui.gapText.textContent = `Gap: the server could not resume exactly after ${gap.requested} (it restarted or no longer keeps that history). Events in between may be missing; the stream resumed after ${after}.`;
  ui.gap.hidden = false;
}

function showAuth(message?: string): void {
  signedIn = null;
  stream.close();
  panel.close();
  ui.live.hidden = true;
  ui.session.hidden = true;
  ui.auth.hidden = false;
  ui.authError.textContent = message ?? '';
  byId('sign-in-login', HTMLInputElement).focus();
}

function showLive(user: SessionUser): void {
  signedIn = user;
  ui.auth.hidden = true;
  ui.live.hidden = false;
  ui.session.hidden = false;
  ui.sessionUser.textContent = `${user.username}${user.isAdmin ? ' (admin)' : ''}`;
  // On a phone the sign-up button is far down the page; the live view starts at its top.
  window.scrollTo(0, 0);
  state.clear();
  const link = pendingLink;
  pendingLink = { run: null, filterRun: null, types: [], event: null };
  selectRun(link.run ?? filters.runId);
  renderer.schedule();
  if (link.event !== null) {
    void openLinkedEvent(link.event, user);
    return;
  }
  saveView();
  openStream();
}

/**
 * Where a fresh view starts: a run's retained history (cheap, the server indexes by run), else the
 * newest matching events, so opening, reloading or narrowing the kinds never shows an empty page.
 */
function openStream(): void {
  stream.open(
    filters,
    filters.runId !== null ? { from: 'earliest' } : { from: 'recent', backlog: state.maxEvents },
  );
}

/**
 * A link with `event=<cursor>`: the stream resumes right after that cursor, so every event since
 * the link was made shows, none twice; the linked event itself comes from the tab's history
 * (a reload) or, for admins, from the audit log.
 */
async function openLinkedEvent(cursor: string, user: SessionUser): Promise<void> {
  const memo = rememberedEvent(cursor);
  const checked = memo === null ? null : validateEvent(memo.event);
  let event = checked?.ok === true ? checked.event : null;
  if (event === null && user.isAdmin) event = await findLinkedEvent(cursor, filters).catch(() => null);
  if (signedIn !== user) return;
  // Shown in the list too, where it was: just before everything the stream delivers after it.
  if (event !== null) state.add(cursor, event);
  renderer.schedule();
  stream.open(filters, { from: cursor });
  panel.open(
    event !== null
      ? { cursor, event }
      : {
          cursor,
          event: null,
          note: 'This event is not on this page: the stream resumed right after it, so everything since then shows. Its details are in the tab that opened it, or in the audit log for admins.',
        },
  );
  saveView();
}

function applyFilters(next: StreamFilters): void {
  filters = next;
  state.clear();
  panel.close();
  if (next.runId !== null) selectRun(next.runId);
  renderer.schedule();
  saveView();
  openStream();
}

ui.pause.addEventListener('click', () => {
  const paused = !renderer.paused;
  renderer.setPaused(paused);
  // Same place, same size either way (see .pause in styles.css); the word says the state.
  ui.pause.dataset.paused = String(paused);
  ui.pause.textContent = paused ? 'Resume' : 'Pause';
});

ui.clear.addEventListener('click', () => {
  state.clear();
  panel.close();
  renderer.select(null);
  renderer.schedule();
  saveView();
});

ui.gapDismiss.addEventListener('click', () => {
  ui.gap.hidden = true;
});

ui.consoleFilter.addEventListener('click', () => {
  const runId = renderer.selectedRun;
  if (runId === null) return;
  filterForm.submitRun(runId);
});

wireEventListInput(ui.events, (cursor, button) => {
  const received = state.find(cursor);
  if (received === undefined) return;
  panel.open({ cursor, event: received.event }, button);
  saveView();
});

wireAuthForms(
  { signIn: ui.signInForm, signInError: ui.signInError, signUp: ui.signUpForm, signUpError: ui.signUpError },
  {
    onSubmit: () => {
      ui.authError.textContent = '';
    },
    onSignedIn: showLive,
  },
);

ui.signOut.addEventListener('click', async () => {
  stream.close();
  await signOut().catch(() => undefined);
  state.clear();
  renderer.schedule();
  showAuth();
});

async function boot(): Promise<void> {
  try {
    const user = await fetchSession();
    if (user === null) showAuth();
    else showLive(user);
  } catch {
    showAuth('The server could not be reached; reload the page to try again.');
  }
}

void boot();
