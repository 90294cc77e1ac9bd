import { randomUUID } from 'node:crypto';
import { type Browser, type Page, within } from '@ironflow/test-support';
import { expect } from 'vitest';
import type { Instance } from './instance.js';

/** EventSources of the one page: over HTTP/1.1 only 6 could be open on one origin. */
export const STREAMS = 12;
const WAIT = 30_000;

/** What one EventSource of the page saw. */
interface StreamRecord {
  opens: number;
  errors: number;
  gaps: number;
  events: { id: string; line: string }[];
}

function logLines(runId: string, from: number, to: number) {
  const stepId = '0b7e3f8c-3c2a-4c1e-9a57-6f1d2b9a4e10';
  return Array.from({ length: to - from }, (_, index) => ({
    type: 'log_line',
    id: randomUUID(),
    run_id: runId,
    step_id: stepId,
    step_name: 'build',
    stream: 'stdout',
    line: String(from + index),
  }));
}

const records = (page: Page) =>
  page.evaluate(() => (window as unknown as { streams: StreamRecord[] }).streams);

/** Waits (bounded) until every EventSource of the page has received `count` events. */
async function everyStreamHas(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => (window as unknown as { streams: StreamRecord[] }).streams.every((s) => s.events.length >= n),
    count,
    { timeout: WAIT },
  );
}

export interface FailoverOptions {
  readonly browser: Browser;
  /** The proxy's origin, e.g. `https://127.0.0.1:8443`. */
  readonly origin: string;
  /** The two instances behind the proxy: the first is killed, the second survives. */
  readonly instances: readonly [Instance, Instance];
  readonly workerToken: string;
}

/**
 * The browser side of the reverse-proxy tests: one page on the proxy's origin checks it came over
 * HTTP/2, signs up, opens {@link STREAMS} EventSources (cookie session) and receives 20 events
 * published through the proxy; the first instance is SIGKILLed; 20 events are published on the
 * survivor while the cut streams are down, the cut streams reconnect through the proxy, 20 more
 * follow. Every EventSource must then hold all 60 events exactly once, in order, with increasing
 * cursors and no gap. Resolves with how many EventSources were cut by the kill and resumed.
 */
export async function expectStreamsSurviveFailover(options: FailoverOptions): Promise<{ resumed: number }> {
  const { browser, origin, instances, workerToken } = options;
  const [killed, survivor] = instances;
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    const runId = randomUUID();

    await page.goto(`${origin}/api/v1/health-check`);
    const protocol = await page.evaluate(
      () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
    );
    expect(protocol).toBe('h2');

    // A browser session: the sign-up sets the HttpOnly (and, in production, Secure) cookies.
    const signUp = await page.evaluate(async () => {
      const response = await fetch('/api/v1/auth/sign-up', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'ops@example.com',
          username: 'ops',
          password: 'correct horse battery staple',
        }),
      });
      return response.status;
    });
    expect(signUp).toBe(201);

    await page.evaluate(
      ({ count, run }) => {
        (window as unknown as { streams: StreamRecord[] }).streams = Array.from({ length: count }, () => {
          const record: StreamRecord = { opens: 0, errors: 0, gaps: 0, events: [] };
          const source = new EventSource(`/api/v1/events?run_id=${run}`, { withCredentials: true });
          source.onopen = () => {
            record.opens += 1;
          };
          source.onerror = () => {
            record.errors += 1;
          };
          source.addEventListener('gap', () => {
            record.gaps += 1;
          });
          source.addEventListener('log_line', (message) => {
            record.events.push({ id: message.lastEventId, line: JSON.parse(message.data).line });
          });
          return record;
        });
      },
      { count: STREAMS, run: runId },
    );
    // Over HTTP/1.1 the 7th EventSource would wait for one of the first 6 to close, for ever.
    await page
      .waitForFunction(
        () => (window as unknown as { streams: StreamRecord[] }).streams.every((s) => s.opens >= 1),
        undefined,
        { timeout: WAIT },
      )
      .catch(async (error: Error) => {
        const opened = (await records(page)).filter((s) => s.opens >= 1).length;
        throw new Error(`only ${opened} of ${STREAMS} EventSources opened (${error.message})`);
      });

    // The first 20 events go through the proxy too (a worker behind the same proxy).
    const accepted = await page.evaluate(
      async ({ events, token }) => {
        const response = await fetch('/api/v1/internal/events', {
          method: 'POST',
          credentials: 'omit',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(events),
        });
        return `${response.status} ${await response.text()}`;
      },
      { events: logLines(runId, 0, 20), token: workerToken },
    );
    expect(accepted).toMatch(/^202 /);
    await everyStreamHas(page, 20);

    killed.child.kill('SIGKILL');
    await within(10_000, 'the killed instance to exit', killed.exited);
    // Published while the killed instance's streams are down, straight to the survivor: a proxy
    // does not resend a POST that reached a dead instance, so a worker retries on its own.
    for (const [from, to] of [
      [20, 30],
      [30, 40],
    ] as const) {
      const response = await fetch(`${survivor.url}/api/v1/internal/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${workerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(logLines(runId, from, to)),
      });
      expect(response.status, await response.text()).toBe(202);
    }
    await everyStreamHas(page, 40);
    // Every stream that lost its instance has reconnected (through the proxy, to the survivor).
    await page.waitForFunction(
      () =>
        (window as unknown as { streams: StreamRecord[] }).streams.every(
          (s) => s.errors === 0 || s.opens >= 2,
        ),
      undefined,
      { timeout: WAIT },
    );
    const late = await fetch(`${survivor.url}/api/v1/internal/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${workerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(logLines(runId, 40, 60)),
    });
    expect(late.status).toBe(202);
    await everyStreamHas(page, 60);

    const seen = await records(page);
    const expected = Array.from({ length: 60 }, (_, index) => String(index));
    for (const record of seen) {
      expect(record.gaps).toBe(0);
      expect(record.events.map((event) => event.line)).toEqual(expected);
      const ids = record.events.map((event) => event.id);
      expect(new Set(ids).size).toBe(60);
      expect([...ids].sort()).toEqual(ids);
    }
    // The proxy spread the streams over both instances, so some really were cut by the kill.
    const resumed = seen.filter((record) => record.errors > 0).length;
    expect(resumed).toBeGreaterThanOrEqual(1);
    expect(resumed).toBeLessThan(STREAMS);
    // Closing the page ends its streams; the proxy must end them on the instance too (else they
    // would count against the user's stream limit until the instance restarts).
    await context.close();
    await within(
      WAIT,
      'the survivor to hold no stream once the page is closed',
      openStreamsReach(survivor, 0, workerToken),
    );
    return { resumed };
  } finally {
    await context.close();
  }
}

/** Resolves once the instance's `ironflow_sse_connections` gauge reads `count` (polled, bounded by the caller). */
async function openStreamsReach(instance: Instance, count: number, workerToken: string): Promise<void> {
  for (;;) {
    const metrics = await fetch(`${instance.url}/metrics`, {
      headers: { authorization: `Bearer ${workerToken}` },
    });
    const gauge = /^ironflow_sse_connections (\d+)$/m.exec(await metrics.text())?.[1];
    if (Number(gauge) === count) return;
    await new Promise((resolve) => setTimeout(resolve, 100)); // poll interval; the caller's `within` bounds it
  }
}
