// The live event page: sign in, then follow the stream with filters, pause, and a run console.
// First, before any module builds a zod schema:
import './zod-without-eval.js';
import { EVENT_KINDS, type EventKind } from '@ironflow/engine';
import { ApiError, fetchSession, refreshSession, type SessionUser, signIn, signOut, signUp } from './api.js';
import { byId, element } from './dom.js';
import { LiveState } from './live-state.js';
import type { GapNotice } from './parse-message.js';
import { Renderer } from './renderer.js';
import { type ConnectionState, EventStream, type StreamFilters } from './stream.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  signUpForm: byId('sign-up-form', HTMLFormElement),
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
};

const state = new LiveState();
const renderer = new Renderer(
  state,
  {
    events: byId('events', HTMLOListElement),
    eventsEmpty: byId('events-empty', HTMLElement),
    runs: byId('runs', HTMLUListElement),
    runsEmpty: byId('runs-empty', HTMLElement),
    console: byId('console', HTMLOListElement),
    consoleRun: byId('console-run', HTMLElement),
    consoleFilter: byId('console-filter', HTMLButtonElement),
    counters: byId('counters', HTMLElement),
  },
  (runId) => renderer.select(runId),
);
const consoleFilter = byId('console-filter', HTMLButtonElement);

const kindBoxes = new Map<EventKind, HTMLInputElement>();
for (const kind of EVENT_KINDS) {
  const label = element('label', 'kind-box');
  const box = element('input');
  box.type = 'checkbox';
  box.name = 'types';
  box.value = kind;
  box.checked = true;
  label.append(box, element('span', `kind kind-${kind}`, kind));
  ui.kindBoxes.append(label);
  kindBoxes.set(kind, box);
}

let signedIn: SessionUser | null = null;
let filters: StreamFilters = { runId: null, types: [] };

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
  ui.live.hidden = true;
  ui.session.hidden = true;
  ui.auth.hidden = false;
  ui.authError.hidden = message === undefined;
  ui.authError.textContent = message ?? '';
  byId('sign-in-login', HTMLInputElement).focus();
}

function showLive(user: SessionUser): void {
  signedIn = user;
  ui.auth.hidden = true;
  ui.live.hidden = false;
  ui.session.hidden = false;
  ui.sessionUser.textContent = `${user.username}${user.isAdmin ? ' (admin)' : ''}`;
  // Opening or reloading the page (or signing in again) shows what just happened, not an empty
  // list: the view starts over from the newest matching events.
  state.clear();
  renderer.schedule();
  stream.open(filters, { from: 'recent', backlog: state.maxEvents });
}

function readFilters(): StreamFilters | string {
  const runId = ui.filterRun.value.trim().toLowerCase();
  if (runId !== '' && !UUID.test(runId))
    return `"${runId}" is not a run id (a UUID such as 0b7e3f8c-3c2a-4c1e-9a57-6f1d2b9a4e10).`;
  const types = EVENT_KINDS.filter((kind) => kindBoxes.get(kind)?.checked);
  if (types.length === 0) return 'Choose at least one kind.';
  return { runId: runId === '' ? null : runId, types: types.length === EVENT_KINDS.length ? [] : types };
}

function applyFilters(next: StreamFilters): void {
  filters = next;
  state.clear();
  renderer.select(next.runId);
  renderer.schedule();
  // A run's history is cheap to replay (the server indexes by run), so a run filter shows it
  // from the start; otherwise the newest events matching the new filters fill the cleared view.
  stream.open(
    filters,
    next.runId !== null ? { from: 'earliest' } : { from: 'recent', backlog: state.maxEvents },
  );
}

ui.filters.addEventListener('submit', (submit) => {
  submit.preventDefault();
  const next = readFilters();
  ui.filterError.hidden = typeof next !== 'string';
  if (typeof next === 'string') {
    ui.filterError.textContent = next;
    return;
  }
  applyFilters(next);
});

for (const [button, checked] of [
  [ui.kindsAll, true],
  [ui.kindsNone, false],
] as const) {
  button.addEventListener('click', () => {
    for (const box of kindBoxes.values()) box.checked = checked;
  });
}

ui.pause.addEventListener('click', () => {
  const paused = !renderer.paused;
  renderer.setPaused(paused);
  ui.pause.setAttribute('aria-pressed', String(paused));
  ui.pause.textContent = paused ? 'Resume' : 'Pause';
});

ui.clear.addEventListener('click', () => {
  state.clear();
  renderer.select(null);
  renderer.schedule();
});

ui.gapDismiss.addEventListener('click', () => {
  ui.gap.hidden = true;
});

consoleFilter.addEventListener('click', () => {
  const runId = renderer.selectedRun;
  if (runId === null) return;
  ui.filterRun.value = runId;
  ui.filters.requestSubmit();
});

async function submitAuth(form: HTMLFormElement, action: (data: FormData) => Promise<SessionUser>) {
  const button = form.querySelector('button[type="submit"]');
  if (button instanceof HTMLButtonElement) button.disabled = true;
  ui.authError.hidden = true;
  try {
    const user = await action(new FormData(form));
    form.reset();
    showLive(user);
  } catch (error) {
    ui.authError.textContent = error instanceof ApiError ? error.message : 'The server could not be reached.';
    ui.authError.hidden = false;
  } finally {
    if (button instanceof HTMLButtonElement) button.disabled = false;
  }
}

const field = (data: FormData, name: string) => String(data.get(name) ?? '').trim();

ui.signInForm.addEventListener('submit', (submit) => {
  submit.preventDefault();
  void submitAuth(ui.signInForm, (data) => signIn(field(data, 'login'), String(data.get('password') ?? '')));
});

ui.signUpForm.addEventListener('submit', (submit) => {
  submit.preventDefault();
  void submitAuth(ui.signUpForm, (data) =>
    signUp(field(data, 'email'), field(data, 'username'), String(data.get('password') ?? '')),
  );
});

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
