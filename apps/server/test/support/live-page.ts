// What the server's browser tests share: one Chromium per file, built servers killed after each
// test, publishing as a worker, a page that records what the browser complains about, signing up,
// and the demo.
import { execFile } from 'node:child_process';
import { type Browser, type BrowserContext, launchChromium, type Page, within } from '@ironflow/test-support';
import { afterAll, beforeAll, expect } from 'vitest';
import { DEV_WORKER_TOKEN } from '../../src/dev-defaults.js';
import { cleanEnv, cliPath, repoRoot, type ServerProcess, serversKilledAfterEach } from './built.js';

export const WAIT = { timeout: 20_000 } as const;

/** The hooks every browser test file of the server repeated, and what they give its tests. */
export interface BrowserSuite {
  /** The file's Chromium, launched before its first test. */
  readonly browser: Browser;
  /** Starts the built server on `port` (0: any); it is killed after the test that started it. */
  startServer(port: number, env?: Record<string, string>): Promise<{ server: ServerProcess; url: string }>;
}

/**
 * Registers, in the calling test file, one Chromium for the file (closed after its last test) and
 * the killing of every server its tests start (after each test). Call once at the top of the file.
 */
export function browserSuite(): BrowserSuite {
  let browser: Browser | undefined;
  const spawn = serversKilledAfterEach();
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is launched in beforeAll: use the browser inside a test');
      return browser;
    },
    async startServer(port, env = {}) {
      const server = spawn({ PORT: String(port), ...env });
      const line = await within(
        15_000,
        'the server to listen',
        server.logLine((l) => l.msg === 'ironflow listening'),
      );
      return { server, url: line.url as string };
    },
  };
}

/** Publishes events (objects, or raw JSON texts sent as they are) as the worker; returns the cursors. */
export async function publish(
  url: string,
  events: (object | string)[],
): Promise<{ first_id: string; last_id: string }> {
  const body = `[${events.map((event) => (typeof event === 'string' ? event : JSON.stringify(event))).join(',')}]`;
  const response = await fetch(`${url}/api/v1/internal/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  expect(response.status, text).toBe(202);
  return (JSON.parse(text) as { data: { first_id: string; last_id: string } }).data;
}

export async function publishLogs(
  url: string,
  runId: string,
  lines: string[],
  stream = 'stdout',
): Promise<void> {
  const response = await fetch(`${url}/api/v1/internal/runs/${runId}/logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ step_id: crypto.randomUUID(), step_name: 'build', stream, lines }),
  });
  expect(response.status, await response.text()).toBe(202);
}

/** Watches a page for what the browser complains about (a CSP violation is a console error). */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // Expected: 401s before signing in, refused connections while the server restarts, and the
    // 400 of a sign-up or sign-in the test makes fail on purpose.
    if (message.type() === 'error' && !/status of (400|401|409)|ERR_CONNECTION_REFUSED/.test(message.text()))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}

/** A new page in `context`, at `url`, with its problems recorded. */
export async function openIn(context: BrowserContext, url: string) {
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(url);
  return { page, problems };
}

export async function signUp(page: Page, username: string): Promise<void> {
  const form = page.locator('#sign-up-form');
  await form.getByLabel('Email').fill(`${username}@example.com`);
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Password').fill('correct horse battery staple');
  await form.getByRole('button', { name: 'Sign up' }).click();
  await page.locator('#session-user').getByText(username).waitFor(WAIT);
}

export const connection = (page: Page) => page.locator('#connection').getAttribute('data-state');

/** Runs `ironflow demo` against `url` to completion; returns its stdout. */
export function runDemo(url: string, args: string[]): Promise<string> {
  return within(
    30_000,
    'the demo to finish',
    new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [cliPath, 'demo', '--url', url, ...args],
        { cwd: repoRoot, env: cleanEnv() },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    }),
  );
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** `getBoundingClientRect()` of each selector's first match, by selector. */
export function boxes(page: Page, selectors: readonly string[]): Promise<Record<string, Box | null>> {
  return page.evaluate((list) => {
    const out: Record<string, { x: number; y: number; width: number; height: number } | null> = {};
    for (const selector of list) {
      const rect = document.querySelector(selector)?.getBoundingClientRect();
      out[selector] = rect ? { x: rect.x, y: rect.y, width: rect.width, height: rect.height } : null;
    }
    return out;
  }, selectors);
}

/** The list item under the point, with its box: what the pointer is over. */
export function itemAt(page: Page, x: number, y: number): Promise<{ key: string; box: Box } | null> {
  return page.evaluate(
    ([px, py]) => {
      const item = document.elementFromPoint(px as number, py as number)?.closest('li');
      if (!item) return null;
      const rect = item.getBoundingClientRect();
      return {
        key: item.dataset.cursor ?? item.dataset.run ?? '',
        box: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
      };
    },
    [x, y],
  );
}
