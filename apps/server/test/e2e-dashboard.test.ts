import { EVENT_KINDS, exampleEvents, runIdOf } from '@ironflow/engine';
import { adminUrl, freePort, freshDatabase, type Page } from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { browserSuite } from './support/live-page.js';

// The upstream React dashboard's live views, against the built server, in Chromium: a page of the
// server's origin (cookie session only) runs exactly what the dashboard's hooks do — its
// useEventSource (the URL it builds, one listener per kind, JSON.parse, a fresh EventSource 3 s
// after any error) and its log console (history pages, then live lines merged by id).

/** The dashboard's ALL_EVENT_KINDS, in its order: the streamed kinds it listens to by default. */
const DASHBOARD_KINDS = [
  'run_created',
  'run_status_changed',
  'run_failed',
  'run_budget_exceeded',
  'step_completed',
  'step_failed',
  'approval_requested',
  'approval_granted',
  'approval_rejected',
  'approval_escalated',
  'log_line',
  'user_signed_in',
  'user_signed_up',
  'user_signed_out',
  'retry_forced',
  'provider_account.updated',
  'provider_account.usage_updated',
  'signal_awaited',
  'signal_received',
  'schedule_occurrences_missed',
] as const;

const WAIT = 30_000;

const suite = browserSuite();

async function startServer(env: Record<string, string>): Promise<string> {
  return (await suite.startServer(await freePort(), env)).url;
}

async function post(
  url: string,
  path: string,
  body: unknown,
): Promise<{ first_id: string; last_id: string }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, text).toBe(202);
  return JSON.parse(text).data;
}

/** The cursors of one accepted batch: consecutive from first_id to last_id. */
function cursorsOf({ first_id, last_id }: { first_id: string; last_id: string }): string[] {
  const [epoch, first] = [first_id.slice(0, first_id.lastIndexOf('-')), Number(first_id.split('-').at(-1))];
  const last = Number(last_id.split('-').at(-1));
  return Array.from(
    { length: last - first + 1 },
    (_, i) => `${epoch}-${String(first + i).padStart(16, '0')}`,
  );
}

/**
 * Installs the dashboard's behaviour in the page: `useEventSource(name, { runId, types })` and the
 * log console. Runs in the browser, so it is self-contained; it records what each view received.
 */
function installDashboard(allKinds: readonly string[]): void {
  interface Received {
    kind: string;
    id: string;
    data: unknown;
  }
  interface Subscription {
    url: string;
    opens: number;
    errors: number;
    received: Received[];
  }
  const views: Record<string, Subscription> = {};
  const useEventSource = (
    name: string,
    options: { runId?: string; types?: string[]; onEvent?: (kind: string, data: { id?: string }) => void },
  ) => {
    // As upstream builds it: run_id first, then the kinds sorted and joined (URLSearchParams
    // writes the comma as %2C).
    const typesKey = options.types ? [...options.types].sort().join(',') : '';
    const params = new URLSearchParams();
    if (options.runId) params.set('run_id', options.runId);
    if (typesKey) params.set('types', typesKey);
    const qs = params.toString();
    const view: Subscription = {
      url: `/api/v1/events${qs ? `?${qs}` : ''}`,
      opens: 0,
      errors: 0,
      received: [],
    };
    views[name] = view;
    const connect = () => {
      const es = new EventSource(view.url, { withCredentials: true });
      const listenKinds = typesKey ? typesKey.split(',') : allKinds;
      for (const kind of listenKinds) {
        es.addEventListener(kind, (e) => {
          const message = e as MessageEvent<string>;
          const data = JSON.parse(message.data);
          view.received.push({ kind, id: message.lastEventId, data });
          options.onEvent?.(kind, data);
        });
      }
      // Not the dashboard's: only lets the test wait until the stream is open before publishing.
      es.addEventListener('open', () => {
        view.opens += 1;
      });
      es.onerror = () => {
        es.close();
        view.errors += 1;
        setTimeout(connect, 3000);
      };
    };
    connect();
  };

  // The log console: live lines from the moment it mounts, history paged with limit=1000 while
  // next_cursor is set, then live lines whose id the history already has are dropped.
  const logConsole = { lines: [] as string[], pages: 0, historyDone: false, dropped: 0, live: 0 };
  const startConsole = async (runId: string) => {
    const pending: { id?: string }[] = [];
    const seen = new Set<string>();
    const add = (data: { id?: string }) => {
      logConsole.live += 1;
      if (seen.has(data.id as string)) {
        logConsole.dropped += 1;
        return;
      }
      logConsole.lines.push(data.id as string);
    };
    useEventSource('console', {
      runId,
      types: ['log_line'],
      onEvent: (_kind, data) => (logConsole.historyDone ? add(data) : pending.push(data)),
    });
    while (views.console?.opens === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const response = await fetch(`/api/v1/runs/${runId}/logs?limit=1000${query}`, {
        credentials: 'include',
      });
      const body = await response.json();
      logConsole.pages += 1;
      for (const entry of body.data as { id: string }[]) {
        seen.add(entry.id);
        logConsole.lines.push(entry.id);
      }
      cursor = body.meta.next_cursor;
    } while (cursor !== null);
    for (const data of pending) add(data);
    logConsole.historyDone = true;
  };
  Object.assign(window, { dashboard: { views, useEventSource, logConsole, startConsole } });
}

interface DashboardWindow {
  dashboard: {
    views: Record<
      string,
      { url: string; opens: number; errors: number; received: { kind: string; id: string; data: unknown }[] }
    >;
    useEventSource(name: string, options: { runId?: string; types?: string[] }): void;
    logConsole: { lines: string[]; pages: number; historyDone: boolean; dropped: number; live: number };
    startConsole(runId: string): Promise<void>;
  };
}

const views = (page: Page) => page.evaluate(() => (window as unknown as DashboardWindow).dashboard.views);

/** A page of the server's origin, signed up (the first user: an admin) with the cookie only. */
async function signedInPage(url: string): Promise<Page> {
  const page = await suite.browser.newPage();
  await page.goto(`${url}/api/v1/health-check`);
  // Signs up, or signs in when an earlier test on the same database already did.
  const status = await page.evaluate(async () => {
    const body = { email: 'ada@example.com', username: 'ada', password: 'correct horse battery staple' };
    const headers = { 'content-type': 'application/json' };
    const signUp = await fetch('/api/v1/auth/sign-up', {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (signUp.status !== 409) return signUp.status;
    const signIn = await fetch('/api/v1/auth/sign-in', {
      method: 'POST',
      headers,
      body: JSON.stringify({ username: body.username, password: body.password }),
    });
    return signIn.status === 200 ? 201 : signIn.status;
  });
  expect(status).toBe(201);
  await page.evaluate(installDashboard, DASHBOARD_KINDS);
  return page;
}

const RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';
/** What each of the dashboard's views asks for, and which events it must therefore show. */
const VIEWS: Record<string, { runId?: string; types?: string[]; url: string }> = {
  all: { url: '/api/v1/events' },
  runs: {
    types: ['run_created', 'run_status_changed', 'run_failed'],
    url: '/api/v1/events?types=run_created%2Crun_failed%2Crun_status_changed',
  },
  run: {
    runId: RUN,
    types: ['step_failed', 'step_completed', 'approval_requested', 'run_status_changed', 'log_line'],
    url: `/api/v1/events?run_id=${RUN}&types=approval_requested%2Clog_line%2Crun_status_changed%2Cstep_completed%2Cstep_failed`,
  },
  accounts: {
    types: ['provider_account.updated', 'provider_account.usage_updated'],
    url: '/api/v1/events?types=provider_account.updated%2Cprovider_account.usage_updated',
  },
  // secrets_rotated is in the dashboard's EventKind (audit-only): accepted, and matches nothing.
  audit: {
    types: ['user_signed_in', 'secrets_rotated'],
    url: '/api/v1/events?types=secrets_rotated%2Cuser_signed_in',
  },
};

describe.each([
  ['memory', () => ({ env: {}, done: async () => {} })],
  ...(adminUrl === ''
    ? []
    : ([
        [
          'PostgreSQL',
          () => {
            const database = freshDatabase('ironflow_dashboard');
            return {
              env: { DATABASE_URL: database.url },
              create: () => database.create(),
              done: () => database.drop(),
            };
          },
        ],
      ] as const)),
] as [
  string,
  () => { env: Record<string, string>; create?: () => Promise<void>; done: () => Promise<void> },
][])("the upstream dashboard's live views, on %s", (_backend, makeBackend) => {
  const backend = makeBackend();
  beforeAll(async () => {
    await backend.create?.();
  });
  afterAll(async () => {
    await backend.done();
  });

  it('shows every event of every kind once in every view that asks for it', async () => {
    const url = await startServer(backend.env);
    const page = await signedInPage(url);
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).json());
    expect(Object.keys(me.data)).toEqual(['user_id', 'email', 'username', 'is_admin', 'created_at']);
    for (const [name, { runId, types }] of Object.entries(VIEWS)) {
      await page.evaluate(
        ([view, options]) => (window as unknown as DashboardWindow).dashboard.useEventSource(view, options),
        [name, { runId, types }] as const,
      );
    }
    await expect
      .poll(async () => Object.values(await views(page)).every((view) => view.opens === 1), { timeout: WAIT })
      .toBe(true);
    expect(
      Object.fromEntries(Object.entries(await views(page)).map(([name, view]) => [name, view.url])),
    ).toEqual(Object.fromEntries(Object.entries(VIEWS).map(([name, view]) => [name, view.url])));

    // Every kind the server streams, twice: once in one batch, once one by one in reverse.
    const event = (kind: (typeof EVENT_KINDS)[number]) => {
      const example: Record<string, unknown> = { ...exampleEvents[kind] };
      if (runIdOf(exampleEvents[kind]) !== null) example.run_id = RUN;
      return example;
    };
    const published: { cursor: string; event: Record<string, unknown> }[] = [];
    const batch = EVENT_KINDS.map(event);
    cursorsOf(await post(url, '/api/v1/internal/events', batch)).forEach((cursor, index) => {
      published.push({ cursor, event: batch[index] as Record<string, unknown> });
    });
    for (const kind of [...EVENT_KINDS].reverse()) {
      const [cursor] = cursorsOf(await post(url, '/api/v1/internal/events', event(kind)));
      published.push({ cursor: cursor as string, event: event(kind) });
    }

    await expect
      .poll(async () => (await views(page)).all?.received.length, { timeout: WAIT })
      .toBe(published.length);
    const seen = await views(page);
    for (const [name, { runId, types }] of Object.entries(VIEWS)) {
      const expected = published.filter(
        ({ event: sent }) =>
          (types === undefined || types.includes(sent.type as string)) &&
          (runId === undefined || sent.run_id === runId),
      );
      const view = seen[name] as DashboardWindow['dashboard']['views'][string];
      expect(
        view.received.map((got) => got.id),
        name,
      ).toEqual(expected.map((sent) => sent.cursor));
      view.received.forEach((got, index) => {
        const sent = expected[index]?.event as Record<string, unknown>;
        expect(got.kind).toBe(sent.type);
        expect(got.data, `${name}: ${got.kind}`).toMatchObject(sent);
      });
      expect(view.errors, name).toBe(0);
    }
    // Every one of the dashboard's 20 kinds was published and shown.
    expect(new Set(seen.all?.received.map((got) => got.kind))).toEqual(new Set(DASHBOARD_KINDS));
    await page.close();
  }, 120_000);

  it('fills the log console from history and live lines with none missing or doubled at the seam', async () => {
    const url = await startServer(backend.env);
    const page = await signedInPage(url);
    const runId = crypto.randomUUID();
    const lines = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => `line ${from + i}`);
    const publishLines = (from: number, count: number) =>
      post(url, `/api/v1/internal/runs/${runId}/logs`, {
        step_id: RUN,
        step_name: 'build',
        stream: 'stdout',
        lines: lines(from, count),
      });
    // Enough history for three pages of 1000.
    let sent = 0;
    for (; sent < 2500; sent += 500) await publishLines(sent, 500);

    // Lines keep coming while the console opens its stream and pages through the history.
    let stop = false;
    const publisher = (async () => {
      for (let round = 0; round < 2000 && !stop; round += 1) {
        await publishLines(sent, 7);
        sent += 7;
      }
    })();
    await page.evaluate((run) => {
      void (window as unknown as DashboardWindow).dashboard.startConsole(run);
    }, runId);
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as DashboardWindow).dashboard.logConsole.historyDone),
        {
          timeout: WAIT,
        },
      )
      .toBe(true);
    // A little more live traffic after the seam, then stop.
    const after = sent + 70;
    await expect.poll(() => sent >= after, { timeout: WAIT }).toBe(true);
    stop = true;
    await publisher;

    const all = await page.evaluate(async (run) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const body = await (await fetch(`/api/v1/runs/${run}/logs?limit=1000${query}`)).json();
        ids.push(...body.data.map((entry: { id: string }) => entry.id));
        cursor = body.meta.next_cursor;
      } while (cursor !== null);
      return ids;
    }, runId);
    expect(all).toHaveLength(sent);
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as DashboardWindow).dashboard.logConsole.lines.length),
        {
          timeout: WAIT,
        },
      )
      .toBe(sent);
    const consoleState = await page.evaluate(
      () => (window as unknown as DashboardWindow).dashboard.logConsole,
    );
    expect(consoleState.lines).toEqual(all);
    expect(consoleState.pages).toBeGreaterThanOrEqual(3);
    expect(consoleState.live).toBeGreaterThan(0);
    expect((await views(page)).console?.errors).toBe(0);
    await page.close();
  }, 120_000);
});
