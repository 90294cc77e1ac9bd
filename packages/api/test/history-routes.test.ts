import { randomUUID } from 'node:crypto';
import { exampleEvents } from '@ironflow/engine';
import { describe, expect, it } from 'vitest';
import { RUN_A, RUN_B, runCreated } from './support/sample-events.js';
import { type TestServer, useTestServers } from './support/test-server.js';

const startServer = useTestServers();
const STEP_1 = '0193a1f2-7c4e-7b21-9d3a-000000000001';
const STEP_2 = '0193a1f2-7c4e-7b21-9d3a-000000000002';

function get(srv: TestServer, path: string, token = srv.token({ isAdmin: true })) {
  return fetch(`${srv.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

async function ingestLines(
  srv: TestServer,
  runId: string,
  lines: string[],
  stepId = STEP_1,
  stream = 'stdout',
) {
  const response = await srv.ingest(
    { step_id: stepId, step_name: `step ${stepId.slice(-1)}`, stream, lines },
    `/api/v1/internal/runs/${runId}/logs`,
  );
  expect(response.status).toBe(202);
}

const expectBadRequest = async (response: Response, message: RegExp | string) => {
  expect(response.status).toBe(400);
  const body = await response.json();
  expect(body.error.code).toBe('BAD_REQUEST');
  expect(body.error.message).toMatch(message);
};

describe('GET /api/v1/runs/{run_id}/logs', () => {
  it('pages through the run’s log entries, oldest first, with next_cursor and has_more', async () => {
    const srv = await startServer();
    await srv.ingest(runCreated(RUN_A));
    await ingestLines(srv, RUN_A, ['one', 'two', '']);
    await ingestLines(srv, RUN_B, ['other run']);
    await ingestLines(srv, RUN_A, ['three', 'four'], STEP_2, 'stderr');

    const first = await get(srv, `/api/v1/runs/${RUN_A}/logs?limit=2`);
    expect(first.status).toBe(200);
    const page1 = await first.json();
    const stored = (await srv.log.read({ afterSeq: 0, runId: RUN_A, kinds: ['log_line'], limit: 10 })).map(
      (entry) => entry.event as unknown as Record<string, string>,
    );
    const entry = (line: Record<string, string>) => ({
      id: line.id,
      run_id: RUN_A,
      step_id: line.step_id,
      step_name: line.step_name,
      stream: line.stream,
      line: line.line,
      created_at: line.at,
    });
    expect(page1.data).toEqual(stored.slice(0, 2).map(entry));
    expect(Object.keys(page1.data[0])).toEqual([
      'id',
      'run_id',
      'step_id',
      'step_name',
      'stream',
      'line',
      'created_at',
    ]);
    expect(page1.meta).toEqual({
      page: null,
      per_page: null,
      total: null,
      next_cursor: expect.any(String),
      has_more: true,
    });

    const page2 = await (
      await get(srv, `/api/v1/runs/${RUN_A}/logs?limit=2&cursor=${page1.meta.next_cursor}`)
    ).json();
    expect(page2.data).toEqual(stored.slice(2, 4).map(entry));
    const page3 = await (
      await get(srv, `/api/v1/runs/${RUN_A}/logs?limit=2&cursor=${page2.meta.next_cursor}`)
    ).json();
    expect(page3.data).toEqual(stored.slice(4).map(entry));
    expect(page3.meta).toEqual({
      page: null,
      per_page: null,
      total: null,
      next_cursor: null,
      has_more: false,
    });

    // Exactly `limit` left: the last page still says so.
    const whole = await (await get(srv, `/api/v1/runs/${RUN_A}/logs?limit=5`)).json();
    expect(whole.data).toHaveLength(5);
    expect(whole.meta).toMatchObject({ next_cursor: null, has_more: false });
  });

  it('filters by step_id and stream', async () => {
    const srv = await startServer();
    await ingestLines(srv, RUN_A, ['a', 'b']);
    await ingestLines(srv, RUN_A, ['c'], STEP_2, 'stderr');
    await ingestLines(srv, RUN_A, ['d'], STEP_2, 'system');
    const lines = async (query: string) =>
      (await (await get(srv, `/api/v1/runs/${RUN_A}/logs?${query}`)).json()).data.map(
        (item: { line: string }) => item.line,
      );
    expect(await lines(`step_id=${STEP_2}`)).toEqual(['c', 'd']);
    expect(await lines(`step_id=${STEP_2.toUpperCase()}&stream=system`)).toEqual(['d']);
    expect(await lines('stream=stdout')).toEqual(['a', 'b']);
    expect(await lines(`step_id=${randomUUID()}`)).toEqual([]);
  });

  it('defaults limit to 100, also for 0, and caps it at 1000', async () => {
    const srv = await startServer();
    const lines = Array.from({ length: 1000 }, (_, index) => `line ${index}`);
    await ingestLines(srv, RUN_A, lines);
    await ingestLines(srv, RUN_A, ['last']);
    for (const [query, count] of [
      ['', 100],
      ['?limit=0', 100],
      ['?limit=', 100],
      ['?limit=7', 7],
      ['?limit=1000', 1000],
      ['?limit=5000', 1000],
    ] as const) {
      const body = await (await get(srv, `/api/v1/runs/${RUN_A}/logs${query}`)).json();
      expect(body.data, query).toHaveLength(count);
      expect(body.meta.has_more).toBe(true);
    }
  });

  it('answers 404 RUN_NOT_FOUND for a run without retained events, 200 [] for one without lines', async () => {
    const srv = await startServer();
    await srv.ingest(runCreated(RUN_A));
    const missing = await get(srv, `/api/v1/runs/${RUN_B}/logs`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'RUN_NOT_FOUND', message: 'run not found' } });
    const empty = await get(srv, `/api/v1/runs/${RUN_A}/logs`);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({
      data: [],
      meta: { page: null, per_page: null, total: null, next_cursor: null, has_more: false },
    });
  });

  it('answers 400 naming a bad parameter, 401 without a token', async () => {
    const srv = await startServer();
    await ingestLines(srv, RUN_A, ['a']);
    const base = `/api/v1/runs/${RUN_A}/logs`;
    await expectBadRequest(await get(srv, '/api/v1/runs/nope/logs'), 'invalid run_id: nope');
    await expectBadRequest(await get(srv, `${base}?limit=-1`), 'invalid limit: -1');
    await expectBadRequest(await get(srv, `${base}?limit=ten`), 'invalid limit: ten');
    await expectBadRequest(await get(srv, `${base}?cursor=garbage`), 'invalid cursor: garbage');
    await expectBadRequest(await get(srv, `${base}?cursor=otherepoch-0000000000000001`), 'invalid cursor');
    await expectBadRequest(await get(srv, `${base}?step_id=x`), 'invalid step_id: x');
    await expectBadRequest(await get(srv, `${base}?stream=stdin`), 'invalid stream: stdin');
    await expectBadRequest(await get(srv, `${base}?limit=1&limit=2`), 'limit may be given only once');
    const anonymous = await fetch(`${srv.url}${base}`);
    expect(anonymous.status).toBe(401);
  });
});

describe('GET /api/v1/audit-logs', () => {
  async function filled() {
    const srv = await startServer();
    const events = [
      { ...runCreated(RUN_A), at: '2025-05-01T10:00:00Z' },
      { ...exampleEvents.step_completed, run_id: RUN_A, at: '2025-05-01T11:00:00.250Z' },
      { ...exampleEvents.user_signed_in, at: '2025-05-01T12:00:00Z' },
      { ...runCreated(RUN_B), at: '2025-05-01T13:00:00Z' },
      { ...exampleEvents.step_failed, run_id: RUN_B, at: '2025-05-01T14:00:00Z' },
    ];
    expect((await srv.ingest(events)).status).toBe(202);
    const stored = await srv.log.read({ afterSeq: 0, limit: 10 });
    return { srv, stored };
  }

  it('lists the retained events newest first, with the exact item and meta shape', async () => {
    const { srv, stored } = await filled();
    const response = await get(srv, '/api/v1/audit-logs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body.meta).toEqual({ page: 1, per_page: 50, total: 5 });
    const [newest] = body.data;
    const failed = stored[4]?.event as unknown as Record<string, unknown>;
    expect(newest).toEqual({
      id: stored[4]?.cursor,
      event_type: 'step_failed',
      payload: JSON.parse(stored[4]?.json ?? ''),
      run_id: RUN_B,
      step_id: failed.step_id,
      user_id: null,
      created_at: '2025-05-01T14:00:00Z',
    });
    expect(Object.keys(newest)).toEqual([
      'id',
      'event_type',
      'payload',
      'run_id',
      'step_id',
      'user_id',
      'created_at',
    ]);
    expect(body.data.map((item: { id: string }) => item.id)).toEqual(
      stored.map((entry) => entry.cursor).reverse(),
    );
    const signIn = body.data[2];
    expect(signIn).toMatchObject({ event_type: 'user_signed_in', run_id: null, step_id: null });
    expect(signIn.user_id).toBe(exampleEvents.user_signed_in.user_id);
  });

  it('pages with page and per_page, and filters by event_type, run_id, from and to (inclusive)', async () => {
    const { srv, stored } = await filled();
    const ids = async (query: string) => {
      const body = await (await get(srv, `/api/v1/audit-logs?${query}`)).json();
      return {
        seqs: body.data.map((item: { id: string }) => stored.findIndex((s) => s.cursor === item.id) + 1),
        meta: body.meta,
      };
    };
    expect(await ids('page=2&per_page=2')).toEqual({
      seqs: [3, 2],
      meta: { page: 2, per_page: 2, total: 5 },
    });
    expect(await ids('page=4&per_page=2')).toEqual({ seqs: [], meta: { page: 4, per_page: 2, total: 5 } });
    expect((await ids('event_type=run_created')).seqs).toEqual([4, 1]);
    expect((await ids(`run_id=${RUN_A.toUpperCase()}`)).seqs).toEqual([2, 1]);
    expect((await ids(`event_type=step_failed&run_id=${RUN_A}`)).seqs).toEqual([]);
    expect((await ids('from=2025-05-01T11:00:00.250Z&to=2025-05-01T13:00:00Z')).seqs).toEqual([4, 3, 2]);
    expect((await ids('from=2025-05-01T13:00:00%2B02:00')).seqs).toEqual([5, 4, 3, 2]);
    expect((await ids('to=2025-05-01T11:00:00.249Z')).seqs).toEqual([1]);
    // An audit-only kind is a valid event_type that matches nothing here.
    expect(await ids('event_type=secrets_rotated')).toEqual({
      seqs: [],
      meta: { page: 1, per_page: 50, total: 0 },
    });
  });

  it('answers 403 FORBIDDEN to a non-admin, 401 without a token', async () => {
    const { srv } = await filled();
    const response = await get(srv, '/api/v1/audit-logs', srv.token({ isAdmin: false }));
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('FORBIDDEN');
    expect((await fetch(`${srv.url}/api/v1/audit-logs`)).status).toBe(401);
  });

  it('answers 400 naming a bad parameter', async () => {
    const { srv } = await filled();
    const bad = (query: string) => get(srv, `/api/v1/audit-logs?${query}`);
    await expectBadRequest(await bad('page=0'), 'invalid page: 0');
    await expectBadRequest(await bad('per_page=101'), 'invalid per_page: 101');
    await expectBadRequest(await bad('per_page=0'), 'invalid per_page: 0');
    await expectBadRequest(await bad('event_type=run_creatd'), 'unknown event kind: run_creatd');
    await expectBadRequest(await bad('event_type=run_created,step_failed'), 'invalid event_type');
    await expectBadRequest(await bad('run_id=42'), 'invalid run_id: 42');
    await expectBadRequest(await bad('from=yesterday'), 'invalid from: yesterday');
    await expectBadRequest(await bad('to=2025-02-30T00:00:00Z'), 'invalid to: 2025-02-30T00:00:00Z');
    await expectBadRequest(await bad('from=0000-01-01T00:00:00Z'), 'invalid from');
  });
});
