import { within } from '@ironflow/test-support';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, fuzzRequest, RUN, tokens, validEvent } from './support/fuzz-requests.js';
import { type HarnessedServer, startHarnessedServer, WORKER_TOKEN } from './support/harness.js';
import { encodeRequest, type RawRequest, type RawResponse, sendRaw } from './support/raw-http.js';
import { SseReader } from './support/sse-reader.js';

// Seeded random requests against the built server (in a child started with --expose-gc so its
// heap can be measured after a full collection). The same seed gives the same requests in CI.
const SEED = 20_260_510;
const REQUESTS = 2_500;
const CONCURRENCY = 8;
const STANDARD_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

interface Violation {
  readonly request: string;
  readonly status: number;
  readonly body: string;
  readonly why: string;
}

function judge(request: RawRequest, size: number, response: RawResponse): string | null {
  if (response.status === 0) {
    // Node closes a CONNECT (a proxy tunnel request) at once when the server has no 'connect' listener.
    if (request.method === 'CONNECT') return null;
    // The server answered early (431, 413, 404…) without reading a large request and closed; the
    // client's unread bytes make the kernel reset the connection, which can drop the answer (TCP).
    if (response.reset && size > 16 * 1024) return null;
    return 'no response';
  }
  if (response.status >= 500) {
    // RFC 9110 §15.6.2: a method the server does not recognise is answered 501, deliberately.
    const unknownMethod = response.status === 501 && !STANDARD_METHODS.has(request.method);
    if (!unknownMethod) return `status ${response.status}`;
  }
  if (response.status < 400 || request.method === 'HEAD') return null;
  if (response.headers['x-request-id'] === undefined) {
    // Refused by Node's HTTP parser before the app ran (malformed request line or headers, headers
    // over 16 KiB): Node answers 400 or 431 with no body and closes. The app never sees these.
    if (response.status === 400 || response.status === 431) return null;
    // CONNECT never reaches the app either: the server answers it 501 itself, in the envelope
    // (checked below).
    if (!(response.status === 501 && request.method === 'CONNECT')) return `parser-level ${response.status}`;
  }
  try {
    const parsed = JSON.parse(response.body.toString('utf8')) as {
      error?: { code?: unknown; message?: unknown };
    };
    if (typeof parsed.error?.code !== 'string' || !/^[A-Z][A-Z_]*$/.test(parsed.error.code))
      return 'no error code';
    if (typeof parsed.error.message !== 'string' || parsed.error.message === '') return 'no error message';
  } catch {
    return 'body is not the JSON error envelope';
  }
  return null;
}

async function runAll(
  origin: string,
  requests: readonly RawRequest[],
  onResult: (r: RawRequest, size: number, s: RawResponse) => void,
) {
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++] as RawRequest;
      const bytes = encodeRequest(request);
      onResult(request, bytes.length, await sendRaw(origin, bytes));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function connections(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return Number(/^ironflow_sse_connections (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

describe('HTTP fuzz against the built server', () => {
  let server: HarnessedServer;
  beforeAll(async () => {
    server = await startHarnessedServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`answers ${REQUESTS} seeded random requests on every route: no 5xx, the envelope on every 4xx, no leak, no lost event`, async () => {
    const origin = server.url;
    // Warm-up with another seed, so lazily built things (schemas, metrics, routes) are in the baseline.
    await runAll(origin, fc.sample(fuzzRequest, { seed: SEED + 1, numRuns: 200 }), () => {});
    const admin = { authorization: `Bearer ${tokens.mintAccess(ADMIN)}` };
    await within(
      10_000,
      'the warm-up streams to close',
      (async () => {
        while ((await connections(origin)) !== 0) await new Promise((r) => setImmediate(r));
      })(),
    );
    const baseline = await server.memory();

    // A subscriber that follows everything from the start of the log, throughout the fuzz.
    const follower = await SseReader.open(`${origin}/api/v1/events?last_event_id=earliest`, admin);
    expect(follower.status).toBe(200);

    const violations: Violation[] = [];
    const tally = new Map<number, number>();
    const requests = fc.sample(fuzzRequest, { seed: SEED, numRuns: REQUESTS });
    const started = Date.now();
    // A well-behaved producer keeps publishing throughout: one batch of 5 per 25 fuzz requests.
    const published: Promise<number>[] = [];
    let answered = 0;
    await runAll(origin, requests, (request, size, response) => {
      if (++answered % 25 === 0) {
        const batch = fc.sample(validEvent, { seed: SEED + answered, numRuns: 5 });
        published.push(
          fetch(`${origin}/api/v1/internal/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify(batch),
          }).then((r) => r.status),
        );
      }
      tally.set(response.status, (tally.get(response.status) ?? 0) + 1);
      const why = judge(request, size, response);
      if (why !== null) {
        violations.push({
          request: encodeRequest({ ...request, body: request.body?.subarray(0, 120) })
            .toString('latin1')
            .slice(0, 400),
          status: response.status,
          body: response.body.toString('utf8').slice(0, 300),
          why,
        });
      }
    });
    expect(new Set(await Promise.all(published))).toEqual(new Set([202]));
    const elapsedMs = Date.now() - started;
    console.info(
      `[http-fuzz] ${REQUESTS} requests in ${elapsedMs} ms; statuses ${JSON.stringify(Object.fromEntries(tally))}`,
    );
    const reasons = new Map<string, number>();
    for (const v of violations)
      reasons.set(`${v.why} (${v.status})`, (reasons.get(`${v.why} (${v.status})`) ?? 0) + 1);
    if (violations.length > 0) console.error(JSON.stringify(violations.slice(0, 8), null, 1));
    expect(Object.fromEntries(reasons)).toEqual({});
    expect(violations.slice(0, 5)).toEqual([]);
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${origin}/api/v1/health-check`)).status).toBe(200);

    // Every event appended meanwhile reached the follower once, in log order: compare with a replay.
    const sentinel = await fetch(`${origin}/api/v1/internal/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'run_created', run_id: RUN, workflow_name: 'sentinel' }),
    });
    const lastId = ((await sentinel.json()) as { data: { last_id: string } }).data.last_id;
    await follower.waitFor(() => follower.lastId === lastId, 'the sentinel on the follower', 20_000);
    const replay = await SseReader.open(`${origin}/api/v1/events?last_event_id=earliest`, admin);
    await replay.waitFor(() => replay.lastId === lastId, 'the sentinel in the replay', 20_000);
    expect(follower.messages.length).toBeGreaterThan(REQUESTS / 5);
    expect(follower.messages).toEqual(replay.messages);
    follower.close();
    replay.close();

    await within(
      10_000,
      'every stream to close',
      (async () => {
        while ((await connections(origin)) !== 0) await new Promise((r) => setImmediate(r));
      })(),
    );
    const after = await server.memory();
    console.info(
      `[http-fuzz] heapUsed after GC: baseline ${(baseline.heapUsed / 2 ** 20).toFixed(1)} MiB, after ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB (${follower.messages.length} events retained in the log)`,
    );
    // The log keeps what was appended (a few kilobytes per event with its JSON and indexes): allow for it.
    const retained = follower.messages.length * 4_096;
    expect(after.heapUsed).toBeLessThanOrEqual(baseline.heapUsed * 1.1 + retained);
  }, 120_000);
});
