import { Worker } from 'node:worker_threads';
import { freePort, within } from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from './support/built.js';

// A flood of sign-ups and sign-ins (16 closed-loop clients) against the built server, while the
// live page and stream opens are timed, as the issue measured it (index.html 22 ms → 4.5 s).
// Half the clients come from one address (the per-address rate limit answers them 429), half
// from a new address on every request, as a botnet would (behind TRUSTED_PROXIES), which only the
// password hasher's cap can hold. 30 s as the flood; 10 s in CI (CI=true), where the
// cap's effect is the same after its first second and the suite's time is shared.
const FLOOD_MS = (process.env.CI === 'true' ? 10 : 30) * 1000;
const QUIET_MS = 5_000;
const CLIENTS = 16;

let server: ServerProcess;
let url = '';
let token = '';

beforeAll(async () => {
  // LOG_LEVEL=warn as in production benchmarks: a request line per flood request is not measured.
  const port = await freePort();
  server = spawnServer({ PORT: String(port), LOG_LEVEL: 'warn', TRUSTED_PROXIES: '127.0.0.1' });
  url = `http://127.0.0.1:${port}`;
  await within(
    15_000,
    'the server to answer',
    (async () => {
      for (;;) {
        const up = await fetch(`${url}/api/v1/health-check`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })(),
  );
  const response = await fetch(`${url}/api/v1/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.250' },
    body: JSON.stringify({
      email: 'watcher@example.com',
      username: 'watcher',
      password: 'correct horse battery',
    }),
  });
  expect(response.status).toBe(201);
  token = ((await response.json()) as { data: { access_token: string } }).data.access_token;
}, 30_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
});

async function timed(action: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

const pageLoad = () =>
  timed(async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

const streamOpen = () =>
  timed(async () => {
    const controller = new AbortController();
    const response = await fetch(`${url}/api/v1/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    controller.abort();
  });

/** Samples both latencies, one after the other, until `untilMs`. */
async function sample(untilMs: number) {
  const page: number[] = [];
  const stream: number[] = [];
  while (Date.now() < untilMs) {
    page.push(await pageLoad());
    stream.push(await streamOpen());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { page, stream };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};
const summary = (values: number[]) =>
  `median ${percentile(values, 50).toFixed(1)} ms, p90 ${percentile(values, 90).toFixed(1)} ms (n=${values.length})`;

// The flood runs on its own thread, so the 16 clients' request handling (hundreds of refusals a
// second) never delays the measuring client's event loop: what is timed is the server.
const FLOOD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, untilMs, clients } = workerData;
const statuses = {};
async function client(index) {
  let n = 0;
  while (Date.now() < untilMs) {
    n++;
    // Half from one shared address (past RATE_LIMIT_AUTH a minute the per-address limit answers
    // 429 at once, however slowly the hasher lets them in), half from a new address on every
    // request, as a botnet would (only the hasher's cap holds those).
    const address = index < clients / 2 ? '198.51.100.7' : '10.' + index + '.' + ((n >> 8) & 255) + '.' + (n & 255);
    const signUp = n % 2 === 0;
    const name = 'f' + index + 'x' + n;
    try {
      const response = await fetch(url + '/api/v1/auth/' + (signUp ? 'sign-up' : 'sign-in'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify(signUp
          ? { email: name + '@example.com', username: name, password: 'correct horse battery' }
          : { username: 'watcher', password: 'wrong password!' }),
      });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] || 0) + 1;
    } catch {
      statuses.failed = (statuses.failed || 0) + 1;
    }
  }
}
Promise.all(Array.from({ length: clients }, (_, i) => client(i))).then(() => parentPort.postMessage(statuses));
`;

function flood(untilMs: number): Promise<Record<string, number>> {
  const worker = new Worker(FLOOD_WORKER, { eval: true, workerData: { url, untilMs, clients: CLIENTS } });
  return within(
    untilMs - Date.now() + 30_000,
    'the flood to finish',
    new Promise<Record<string, number>>((resolve, reject) => {
      worker.once('message', (statuses: Record<string, number>) => {
        resolve(statuses);
        void worker.terminate();
      });
      worker.once('error', reject);
    }),
  );
}

describe('a flood of sign-ups and sign-ins', () => {
  it(
    'leaves page loads and stream opens within 2× their quiet latency, and gets 429s',
    async () => {
      // Warm-up: the first requests compile code paths and open connections.
      await sample(Date.now() + 1_000);
      const quiet = await sample(Date.now() + QUIET_MS);

      const floodEnds = Date.now() + FLOOD_MS;
      const flooding = flood(floodEnds);
      // The first second fills the hasher's queue; measure the steady flood after it.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const loaded = await sample(floodEnds);
      const statuses = await flooding;

      const report = {
        floodSeconds: FLOOD_MS / 1000,
        quietPage: summary(quiet.page),
        floodPage: summary(loaded.page),
        quietStreamOpen: summary(quiet.stream),
        floodStreamOpen: summary(loaded.stream),
        floodStatuses: statuses,
      };
      console.info(`auth flood: ${JSON.stringify(report, null, 2)}`);

      expect(statuses['429'] ?? 0).toBeGreaterThan(0);
      expect(statuses['500'] ?? 0).toBe(0);
      expect(statuses.failed ?? 0).toBe(0);
      // Medians, each with 1 ms of slack for the timer's resolution on a sub-2 ms quiet latency.
      expect(percentile(loaded.page, 50)).toBeLessThanOrEqual(2 * percentile(quiet.page, 50) + 1);
      expect(percentile(loaded.stream, 50)).toBeLessThanOrEqual(2 * percentile(quiet.stream, 50) + 1);
    },
    FLOOD_MS + QUIET_MS + 60_000,
  );
});
