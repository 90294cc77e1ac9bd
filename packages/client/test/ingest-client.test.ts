import type { IronflowEvent } from '@ironflow/engine';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createIngestClient,
  type IngestClientOptions,
  IngestError,
  InvalidClientOptionError,
  type PublishableEvent,
} from '../src/index.js';
import {
  type FrontAction,
  type FrontServer,
  type SeenRequest,
  startFrontServer,
} from './support/front-server.js';
import { RUN_A, runCreated, workflowNames } from './support/sample-events.js';
import { type StreamServer, startStreamServer, WORKER_TOKEN } from './support/stream-server.js';

const servers: StreamServer[] = [];
const fronts: FrontServer[] = [];

async function server(): Promise<StreamServer> {
  const started = await startStreamServer();
  servers.push(started);
  return started;
}

async function front(target: StreamServer, decide: (request: SeenRequest, index: number) => FrontAction) {
  const started = await startFrontServer(target.url, decide);
  fronts.push(started);
  return started;
}

async function stored(srv: StreamServer): Promise<IronflowEvent[]> {
  return (await srv.log.read({ afterSeq: 0, limit: 100_000 })).map((entry) => entry.event);
}

function client(url: string, options: Partial<IngestClientOptions> = {}) {
  return createIngestClient({
    url,
    credential: WORKER_TOKEN,
    retry: { initialDelayMs: 10, maxDelayMs: 200 },
    ...options,
  });
}

afterEach(async () => {
  for (const started of fronts.splice(0)) await started.close();
  for (const started of servers.splice(0)) await started.close();
});

describe('createIngestClient against a real server', () => {
  it('publishes one event or a list and answers with the server cursors', async () => {
    const srv = await server();
    const ingest = client(srv.url);
    const one = await ingest.publish(runCreated(1));
    const many = await ingest.publish([runCreated(2), runCreated(3)]);
    expect(one).toMatchObject({ accepted: 1 });
    expect(one.first_id).toBe(one.last_id);
    expect(many.accepted).toBe(2);
    expect(many.first_id).not.toBe(many.last_id);
    expect(workflowNames(await stored(srv))).toEqual(['wf-1', 'wf-2', 'wf-3']);
    await ingest.close();
  });

  it('batches calls made together into requests of at most maxBatchEvents, in call order', async () => {
    const srv = await server();
    const spy = await front(srv, () => 'forward');
    const ingest = client(spy.url, { maxBatchEvents: 1000 });
    const calls = Array.from({ length: 2500 }, (_, n) => ingest.publish(runCreated(n)));
    const answers = await Promise.all(calls);
    expect(answers.every((answer) => answer.accepted === 1)).toBe(true);
    expect(spy.seen.map((seen) => (JSON.parse(seen.body) as unknown[]).length)).toEqual([1000, 1000, 500]);
    expect(workflowNames(await stored(srv))).toEqual(Array.from({ length: 2500 }, (_, n) => `wf-${n}`));
  });

  it('keeps each request within maxBatchBytes', async () => {
    const srv = await server();
    const spy = await front(srv, () => 'forward');
    const ingest = client(spy.url, { maxBatchBytes: 4096 });
    const events = Array.from({ length: 40 }, (_, n) => ({
      ...runCreated(n),
      workflow_name: `${n}-${'x'.repeat(300)}`,
    }));
    expect((await ingest.publish(events)).accepted).toBe(40);
    expect(spy.seen.length).toBeGreaterThan(3);
    for (const seen of spy.seen) expect(Buffer.byteLength(seen.body)).toBeLessThanOrEqual(4096);
    expect((await stored(srv)).length).toBe(40);
  });

  it('publishRunStatusChange to failed stores run_status_changed then run_failed in one request', async () => {
    const srv = await server();
    const spy = await front(srv, () => 'forward');
    const ingest = client(spy.url);
    const answer = await ingest.publishRunStatusChange({
      run_id: RUN_A,
      workflow_name: 'deploy',
      from: 'running',
      to: 'failed',
      error: 'exit 1',
      cost_usd: 0.5,
      duration_ms: 900,
    });
    expect(answer.accepted).toBe(2);
    expect(spy.seen.length).toBe(1);
    const events = await stored(srv);
    expect(events.map((event) => event.type)).toEqual(['run_status_changed', 'run_failed']);
    expect(events[1]).toMatchObject({ run_id: RUN_A, error: 'exit 1' });
  });

  it('refuses a forbidden status change before sending', async () => {
    const srv = await server();
    const spy = await front(srv, () => 'forward');
    const ingest = client(spy.url);
    const change = {
      run_id: RUN_A,
      workflow_name: 'w',
      from: 'completed',
      to: 'running',
      cost_usd: 0,
      duration_ms: 0,
    } as const;
    await expect(ingest.publishRunStatusChange(change)).rejects.toMatchObject({
      code: 'INVALID_STATUS_CHANGE',
      status: null,
    });
    expect(spy.seen).toEqual([]);
  });

  it('publishLogs sends at most 1000 lines a request and stores every line', async () => {
    const srv = await server();
    const spy = await front(srv, () => 'forward');
    const ingest = client(spy.url);
    const lines = Array.from({ length: 2500 }, (_, n) => `line ${n}`);
    const step = {
      step_id: '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c01',
      step_name: 'build',
      stream: 'stdout',
    } as const;
    const answer = await ingest.publishLogs(RUN_A, { ...step, lines });
    expect(answer.accepted).toBe(2500);
    expect(spy.seen.map((seen) => (JSON.parse(seen.body) as { lines: string[] }).lines.length)).toEqual([
      1000, 1000, 500,
    ]);
    expect(spy.seen[0]?.path).toBe(`/api/v1/internal/runs/${RUN_A}/logs`);
    const events = await stored(srv);
    expect(events.map((event) => (event as { line: string }).line)).toEqual(lines);
  });

  it('validates events before sending and names the bad one', async () => {
    const srv = await server();
    const spy = await front(srv, () => 'forward');
    const ingest = client(spy.url);
    const bad = { type: 'run_created' as const, run_id: 'not-a-uuid', workflow_name: 'w' };
    const nope = { type: 'nope' } as unknown as PublishableEvent;
    const failure = await ingest.publish([runCreated(1), bad, nope]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IngestError);
    expect(failure).toMatchObject({ code: 'VALIDATION_FAILED', status: null, attempts: 0 });
    expect((failure as IngestError).details).toEqual([
      expect.objectContaining({ index: 1, path: 'run_id' }),
      { index: 2, path: 'type', message: 'unknown event kind: nope' },
    ]);
    expect(spy.seen).toEqual([]);
  });

  it("carries the server's status, code, message and details, without retrying a 401", async () => {
    const srv = await server();
    const spy = await front(srv, () => 'forward');
    const ingest = client(spy.url, { credential: 'wrong-token' });
    const failure = (await ingest.publish(runCreated(1)).catch((error: unknown) => error)) as IngestError;
    expect(failure).toBeInstanceOf(IngestError);
    expect(failure).toMatchObject({ status: 401, code: 'INVALID_WORKER_TOKEN', attempts: 1 });
    expect(failure.message).toBe('Invalid or missing worker token (HTTP 401)');
    expect(spy.seen.length).toBe(1);
  });

  it('asks a credential function once more after a 401, then stops', async () => {
    const srv = await server();
    const given = ['stale-token', WORKER_TOKEN];
    let asked = 0;
    const ingest = client(srv.url, { credential: () => given[asked++] ?? 'never' });
    expect((await ingest.publish(runCreated(1))).accepted).toBe(1);
    expect(asked).toBe(2);

    let askedAgain = 0;
    const wrong = client(srv.url, {
      credential: () => {
        askedAgain += 1;
        return 'still-wrong';
      },
    });
    await expect(wrong.publish(runCreated(2))).rejects.toMatchObject({ status: 401, attempts: 1 });
    expect(askedAgain).toBe(2);
  });

  it('retries 503 after Retry-After and cut connections, with one Idempotency-Key per batch', async () => {
    const srv = await server();
    const actions: FrontAction[] = [
      {
        answer: 503,
        headers: { 'retry-after': '1' },
        body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } },
      },
      { cut: true },
      { answer: 429, body: { error: { code: 'TOO_MANY_REQUESTS', message: 'slow down' } } },
    ];
    const spy = await front(srv, (_, index) => actions[index] ?? 'forward');
    // Retry-After is capped at maxDelayMs, so the cap must allow the 1 s asked for.
    const ingest = client(spy.url, { retry: { initialDelayMs: 10, maxDelayMs: 5_000 } });
    const started = performance.now();
    const answer = await ingest.publish([runCreated(1), runCreated(2)]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(answer.accepted).toBe(2);
    expect(spy.seen.length).toBe(4);
    const keys = new Set(spy.seen.map((seen) => seen.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(spy.seen.every((seen) => seen.body === spy.seen[0]?.body)).toBe(true);
    const next = await ingest.publish(runCreated(3));
    expect(next.accepted).toBe(1);
    expect(spy.seen[4]?.headers['idempotency-key']).not.toBe([...keys][0]);
  });

  it('gives up after maxAttempts with the last answer', async () => {
    const srv = await server();
    const spy = await front(srv, () => ({
      answer: 503,
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'store down' } },
    }));
    const ingest = client(spy.url, { retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 } });
    const failure = (await ingest.publish(runCreated(1)).catch((error: unknown) => error)) as IngestError;
    expect(failure).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', attempts: 3 });
    expect(failure.message).toBe('gave up after 3 attempts: store down (HTTP 503)');
    expect(spy.seen.length).toBe(3);
  });

  it('fails only the calls a merged batch refused, and stores the others', async () => {
    const srv = await server();
    const refusal = {
      answer: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: '1 invalid event',
          details: [{ index: 2, path: 'x', message: 'no' }],
        },
      },
    };
    const spy = await front(srv, (_, index) => (index === 0 ? refusal : 'forward'));
    const ingest = client(spy.url);
    const [first, second, third] = await Promise.allSettled([
      ingest.publish([runCreated(1), runCreated(2)]),
      ingest.publish(runCreated(3)),
      ingest.publish(runCreated(4)),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { accepted: 2 } });
    expect(second).toMatchObject({
      status: 'rejected',
      reason: { code: 'VALIDATION_FAILED', details: [{ index: 0, path: 'x', message: 'no' }] },
    });
    expect(third).toMatchObject({ status: 'fulfilled', value: { accepted: 1 } });
    expect(spy.seen.length).toBe(2);
    expect(workflowNames(await stored(srv))).toEqual(['wf-1', 'wf-2', 'wf-4']);
  });

  it('understands a url with the ingest path, refuses another API path, and closes', async () => {
    const srv = await server();
    const ingest = client(`${srv.url}/api/v1/internal/events`);
    expect((await ingest.publish(runCreated(1))).accepted).toBe(1);
    expect(() => client(`${srv.url}/api/v1/events`)).toThrow(InvalidClientOptionError);
    expect(() => client(`${srv.url}/api/v1/events`)).toThrow(`pass "${srv.url}"`);
    await ingest.close();
    await expect(ingest.publish(runCreated(2))).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });
});
