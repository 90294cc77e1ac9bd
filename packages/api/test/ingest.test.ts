import { describe, expect, it } from 'vitest';
import { RUN_A, runCreated, SAMPLE_EVENTS } from './support/sample-events.js';
import { type TestServer, useTestServers, WORKER_TOKEN } from './support/test-server.js';

const server = useTestServers();
const EVENTS_PATH = '/api/v1/internal/events';
const logsPath = (runId: string) => `/api/v1/internal/runs/${runId}/logs`;
const STEP = '0193a1f2-8000-7000-8000-000000000001';

function post(
  srv: TestServer,
  path: string,
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
) {
  return fetch(`${srv.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('POST /api/v1/internal/events', () => {
  it('accepts one event and answers 202 with its cursor', async () => {
    const srv = await server();
    const response = await srv.ingest(runCreated(RUN_A));
    expect(response.status).toBe(202);
    const body = await response.json();
    const [stored] = await srv.log.read({ afterSeq: 0, limit: 10 });
    expect(body).toEqual({
      data: { accepted: 1, first_id: stored?.cursor, last_id: stored?.cursor },
      meta: null,
    });
  });

  it('accepts a batch and stores it in order', async () => {
    const srv = await server();
    const response = await srv.ingest(SAMPLE_EVENTS);
    const { data } = (await response.json()) as {
      data: { accepted: number; first_id: string; last_id: string };
    };
    const stored = await srv.log.read({ afterSeq: 0, limit: 100 });
    expect(data).toEqual({ accepted: 20, first_id: stored[0]?.cursor, last_id: stored[19]?.cursor });
    expect(stored.map((s) => s.json)).toEqual(SAMPLE_EVENTS.map((e) => JSON.stringify(e)));
  });

  it('defaults `at` to now', async () => {
    const srv = await server();
    const before = Date.now();
    await srv.ingest({ type: 'run_created', run_id: RUN_A, workflow_name: 'x' });
    const [stored] = await srv.log.read({ afterSeq: 0, limit: 1 });
    const at = Date.parse((stored?.event as { at: string } | undefined)?.at ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 1);
    expect(at).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('rejects a batch with any invalid item, naming each, and stores nothing', async () => {
    const srv = await server();
    const response = await srv.ingest([
      runCreated(RUN_A),
      { type: 'run_created', run_id: 'nope', workflow_name: 'x' },
      runCreated(RUN_A),
      { type: 'what_is_this', run_id: RUN_A },
    ]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; message: string; details: { index: number; path: string; message: string }[] };
    };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d) => [d.index, d.path])).toEqual([
      [1, 'run_id'],
      [3, 'type'],
    ]);
    expect(body.error.details[1]?.message).toBe('unknown event kind: what_is_this');
    expect(srv.log.bounds().headSeq).toBe(0);
  });

  it('rejects a status change docs/PROTOCOL.md does not allow', async () => {
    const srv = await server();
    const response = await srv.ingest({
      type: 'run_status_changed',
      run_id: RUN_A,
      workflow_name: 'x',
      from: 'completed',
      to: 'running',
      error: null,
      cost_usd: 0,
      duration_ms: 0,
      labels: {},
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: { path: string }[] } };
    expect(body.error.details[0]?.path).toBe('to');
  });

  it.each([
    [[], 'a batch holds 1 to 1000 events, got 0'],
    [Array.from({ length: 1001 }, () => runCreated(RUN_A)), 'a batch holds 1 to 1000 events, got 1001'],
  ])('rejects a batch of the wrong size', async (batch, message) => {
    const srv = await server();
    const response = await srv.ingest(batch);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message } });
  });

  it('rejects a body over 2 MiB with 413', async () => {
    const srv = await server();
    const big = JSON.stringify([{ ...runCreated(RUN_A), workflow_name: 'x'.repeat(2 * 1024 * 1024) }]);
    const response = await post(srv, EVENTS_PATH, big);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['{"type":', 'BAD_REQUEST', 400],
    ['', 'BAD_REQUEST', 400],
    ['"a string"', 'VALIDATION_FAILED', 400],
  ])('answers %j with a clear client error', async (body, code, status) => {
    const srv = await server();
    const response = await post(srv, EVENTS_PATH, body);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('rejects a body that is not UTF-8', async () => {
    const srv = await server();
    const response = await post(srv, EVENTS_PATH, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'BAD_REQUEST', message: 'request body is not valid UTF-8' },
    });
  });

  it('rejects a body that is not declared as JSON with 415', async () => {
    const srv = await server();
    const response = await post(srv, EVENTS_PATH, JSON.stringify(runCreated(RUN_A)), {
      'content-type': 'text/plain',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('serves the route at every spelling the router accepts, and 405 to other methods', async () => {
    const srv = await server();
    // The exact path is served ahead of the router; these reach the same route through it.
    for (const path of [EVENTS_PATH, `${EVENTS_PATH}/`, '/API/v1/Internal/Events']) {
      const response = await post(srv, path, JSON.stringify(runCreated(RUN_A)));
      expect(response.status).toBe(202);
      expect(((await response.json()) as { data: { accepted: number } }).data.accepted).toBe(1);
    }
    expect(srv.log.bounds().headSeq).toBe(3);
    const get = await fetch(`${srv.url}${EVENTS_PATH}`, {
      headers: { authorization: `Bearer ${WORKER_TOKEN}` },
    });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toContain('POST');
    expect(get.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await get.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer wrong' }],
    ['a longer token', { authorization: `Bearer ${WORKER_TOKEN}x` }],
    ['a user access token scheme', { authorization: `Basic ${WORKER_TOKEN}` }],
  ])('answers 401 INVALID_WORKER_TOKEN with %s', async (_name, headers) => {
    const srv = await server();
    const response = await fetch(`${srv.url}${EVENTS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(runCreated(RUN_A)),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe(
      '{"error":{"code":"INVALID_WORKER_TOKEN","message":"Invalid or missing worker token"}}',
    );
    expect(srv.log.bounds().headSeq).toBe(0);
  });
});

describe('POST /api/v1/internal/runs/:run_id/logs', () => {
  it('turns each line into a log_line with a new UUID v7 id and one shared `at`', async () => {
    const srv = await server();
    const response = await post(
      srv,
      logsPath(RUN_A),
      JSON.stringify({ step_id: STEP, step_name: 'build', stream: 'stdout', lines: ['one', 'two', ''] }),
    );
    expect(response.status).toBe(202);
    const stored = await srv.log.read({ afterSeq: 0, limit: 10 });
    expect(await response.json()).toEqual({
      data: { accepted: 3, first_id: stored[0]?.cursor, last_id: stored[2]?.cursor },
      meta: null,
    });
    const events = stored.map((s) => s.event as Record<string, unknown>);
    expect(events.map((e) => e.line)).toEqual(['one', 'two', '']);
    expect(new Set(events.map((e) => e.at)).size).toBe(1);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    for (const event of events) {
      expect(event).toMatchObject({ type: 'log_line', run_id: RUN_A, step_id: STEP, step_name: 'build' });
      expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('refuses more than 1000 lines with the exact message', async () => {
    const srv = await server();
    const lines = Array.from({ length: 1001 }, (_, i) => `line ${i}`);
    const response = await post(
      srv,
      logsPath(RUN_A),
      JSON.stringify({ step_id: STEP, step_name: 'build', stream: 'stdout', lines }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'too many lines: 1001 (max 1000)',
    );
    expect(srv.log.bounds().headSeq).toBe(0);
  });

  it('rejects an invalid run_id and invalid fields with clear errors', async () => {
    const srv = await server();
    const badRun = await post(srv, logsPath('nope'), JSON.stringify({}));
    expect(badRun.status).toBe(400);
    expect(await badRun.json()).toEqual({ error: { code: 'BAD_REQUEST', message: 'invalid run_id: nope' } });

    const badBody = await post(
      srv,
      logsPath(RUN_A),
      JSON.stringify({ step_id: 'x', step_name: 'build', stream: 'stdin', lines: ['a', 3] }),
    );
    expect(badBody.status).toBe(400);
    const body = (await badBody.json()) as {
      error: { code: string; details: { index: number | null; path: string }[] };
    };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['lines.1', 'step_id', 'stream']);
    expect(body.error.details.find((d) => d.path === 'lines.1')?.index).toBe(1);
  });
});

describe('every other route', () => {
  it('answers the health check', async () => {
    const srv = await server();
    const response = await fetch(`${srv.url}/api/v1/health-check`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { status: 'ok' }, meta: null });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 404 NOT_FOUND for an unknown route, with the security headers', async () => {
    const srv = await server();
    const response = await fetch(`${srv.url}/nowhere?x=1`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('{"error":{"code":"NOT_FOUND","message":"not found"}}');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('answers 405 METHOD_NOT_ALLOWED with Allow for a known path', async () => {
    const srv = await server();
    const response = await fetch(`${srv.url}/api/v1/health-check`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('GET');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
  });
});

describe('validation errors stay small', () => {
  it('lists at most 100 problems of a 2 MiB batch of bad labels, with the total, without holding the event loop', async () => {
    const srv = await server();
    // 999 labels whose values are numbers, on as many events as fit in 2 MiB.
    const labels = Object.fromEntries(Array.from({ length: 999 }, (_, i) => [`k${i}`, i]));
    const event = {
      ...runCreated(RUN_A),
      type: 'run_status_changed',
      from: 'pending',
      to: 'running',
      labels,
    };
    const batch: unknown[] = [];
    while (JSON.stringify([...batch, event]).length < 2 * 1024 * 1024 - 1024) batch.push(event);
    expect(batch.length).toBeGreaterThan(100);
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    const response = await post(srv, EVENTS_PATH, JSON.stringify(batch));
    const text = await response.text();
    clearInterval(ticker);
    expect(response.status).toBe(400);
    // Before: every one of the ~190 000 problems listed, 11 MiB, and the loop held 1.5 s.
    expect(text.length).toBeLessThan(32 * 1024);
    const { error } = JSON.parse(text) as { error: { message: string; details: unknown[] } };
    expect(error.details).toHaveLength(100);
    expect(error.message).toMatch(
      new RegExp(
        `^${batch.length} of ${batch.length} events failed validation: \\[0\\] .+ \\(and \\d+ more; 100 listed\\)$`,
      ),
    );
    expect(longestGap).toBeLessThan(1_000);
    expect(srv.log.bounds().headSeq).toBe(0);
  });

  it('cuts quoted input: a 100 000-character label key is named by its first 200 characters', async () => {
    const srv = await server();
    const key = 'k'.repeat(100_000);
    const response = await post(
      srv,
      EVENTS_PATH,
      JSON.stringify({
        ...runCreated(RUN_A),
        type: 'run_status_changed',
        from: 'pending',
        to: 'running',
        labels: { [key]: 1 },
      }),
    );
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text.length).toBeLessThan(4 * 1024);
    expect(text).toContain('(100007 characters)'); // `labels.` and the key
  });

  it('lists at most 100 problems of a log batch, with the total', async () => {
    const srv = await server();
    const lines = Array.from({ length: 1000 }, (_, i) => i);
    const response = await post(
      srv,
      logsPath(RUN_A),
      JSON.stringify({ step_id: STEP, step_name: 'build', stream: 'stdout', lines }),
    );
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; details: unknown[] } };
    expect(error.message).toBe('invalid log batch: 1000 problems, 100 listed');
    expect(error.details).toHaveLength(100);
  });
});
