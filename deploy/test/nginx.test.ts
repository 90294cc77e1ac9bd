import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  adminUrl,
  type Browser,
  freshDatabase,
  launchChromium,
  type Page,
  within,
} from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, startInstance } from './support/instance.js';
import {
  assertNginx,
  fillTemplate,
  type RunningNginx,
  selfSignedCertificate,
  startNginx,
} from './support/nginx.js';

// deploy/nginx/ironflow.conf.template, as shipped, in front of two built instances on one fresh
// PostgreSQL database; one Chromium page on the nginx origin holds 12 EventSources, which only
// HTTP/2 allows (HTTP/1.1: 6 connections per origin), and keeps them through the loss of an instance.
const TEMPLATE = new URL('../nginx/ironflow.conf.template', import.meta.url);
const STREAMS = 12;
const WORKER_TOKEN = randomBytes(32).toString('base64');
const WAIT = 30_000;

/** What one EventSource of the page saw. */
interface StreamRecord {
  opens: number;
  errors: number;
  gaps: number;
  events: { id: string; line: string }[];
}

const database = freshDatabase('ironflow_nginx');
if (adminUrl === '') console.warn('[deploy] IRONFLOW_TEST_DATABASE_URL is unset: the nginx test is skipped.');

describe.skipIf(adminUrl === '')('nginx (deploy/nginx) in front of two instances on PostgreSQL', () => {
  let dir = '';
  let browser: Browser | undefined;
  let nginx: RunningNginx | undefined;
  const instances: Instance[] = [];

  beforeAll(async () => {
    assertNginx();
    dir = await mkdtemp(path.join(tmpdir(), 'ironflow-nginx-'));
    await database.create();
    const env = {
      IRONFLOW_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.url,
      JWT_SECRET: randomBytes(32).toString('base64'),
      WORKER_TOKEN,
      ALLOW_SIGN_UP: 'true',
      // nginx connects from here; its X-Forwarded-For then names the browser.
      TRUSTED_PROXIES: '127.0.0.1',
    };
    // Started together: they migrate the fresh database at the same time.
    instances.push(...(await Promise.all([startInstance(env), startInstance(env)])));
    const { cert, key } = await selfSignedCertificate(dir);
    const template = await readFile(TEMPLATE, 'utf8');
    nginx = await startNginx(dir, (port) =>
      fillTemplate(template, {
        IRONFLOW_LISTEN: `127.0.0.1:${port}`,
        IRONFLOW_SERVER_NAME: '127.0.0.1',
        IRONFLOW_TLS_CERT: cert,
        IRONFLOW_TLS_KEY: key,
        IRONFLOW_INSTANCE_1: (instances[0] as Instance).address,
        IRONFLOW_INSTANCE_2: (instances[1] as Instance).address,
      }),
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await nginx?.stop();
    for (const instance of instances) {
      if (instance.child.exitCode === null && instance.child.signalCode === null)
        instance.child.kill('SIGKILL');
    }
    await Promise.all(instances.map((instance) => within(10_000, 'an instance to exit', instance.exited)));
    await database.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Publishes log lines `from` to `to - 1` of `runId` through one instance's ingest route. */
  async function publishDirect(url: string, runId: string, from: number, to: number): Promise<void> {
    const response = await fetch(`${url}/api/v1/internal/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(logLines(runId, from, to)),
    });
    expect(response.status, await response.text()).toBe(202);
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

  it('serves 12 EventSources of one page over HTTP/2, and resumes them on the other instance after a SIGKILL, nothing lost or repeated', async () => {
    const running = nginx as RunningNginx;
    const context = await (browser as Browser).newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const runId = randomUUID();

    await page.goto(`${running.origin}/api/v1/health-check`);
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

    // The first 20 events go through nginx too (a worker behind the same proxy).
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
      { events: logLines(runId, 0, 20), token: WORKER_TOKEN },
    );
    expect(accepted).toMatch(/^202 /);
    await everyStreamHas(page, 20);

    const [killed, survivor] = instances as [Instance, Instance];
    killed.child.kill('SIGKILL');
    await within(10_000, 'the killed instance to exit', killed.exited);
    // Published while the killed instance's streams are down, straight to the survivor: nginx does
    // not resend a POST that reached a dead instance, so a worker retries on its own.
    await publishDirect(survivor.url, runId, 20, 30);
    await publishDirect(survivor.url, runId, 30, 40);
    await everyStreamHas(page, 40);
    // Every stream that lost its instance has reconnected (through nginx, to the survivor).
    await page.waitForFunction(
      () =>
        (window as unknown as { streams: StreamRecord[] }).streams.every(
          (s) => s.errors === 0 || s.opens >= 2,
        ),
      undefined,
      { timeout: WAIT },
    );
    await publishDirect(survivor.url, runId, 40, 60);
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
    // nginx spread the streams over both instances, so some really were cut by the kill.
    const resumed = seen.filter((record) => record.errors > 0).length;
    expect(resumed).toBeGreaterThanOrEqual(1);
    expect(resumed).toBeLessThan(STREAMS);

    await context.close();
    // nginx logs each stream when it ends: every one came over HTTP/2, and both instances served.
    const streamLines = () =>
      running.accessLog().then((log) => log.split('\n').filter((line) => line.includes('/api/v1/events?')));
    let lines: string[] = [];
    await within(
      WAIT,
      'nginx to log every stream',
      (async () => {
        for (;;) {
          lines = await streamLines();
          if (lines.length >= STREAMS + resumed) return;
          await new Promise((resolve) => setTimeout(resolve, 50)); // poll interval; `within` bounds it
        }
      })(),
    );
    expect(lines.every((line) => line.includes('proto=HTTP/2.0'))).toBe(true);
    expect(lines.some((line) => line.includes(`upstream=${killed.address}`))).toBe(true);
    expect(lines.some((line) => line.includes(`upstream=${survivor.address}`))).toBe(true);
  });
});
