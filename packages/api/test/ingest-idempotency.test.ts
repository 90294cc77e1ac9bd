import type { AppendOptions, EventLog, StoredEvent } from '@ironflow/store';
import { createMemoryEventLog } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { RUN_A, runCreated } from './support/sample-events.js';
import { type TestServer, useTestServers, WORKER_TOKEN } from './support/test-server.js';

const server = useTestServers();
const EVENTS = '/api/v1/internal/events';
const LOGS = `/api/v1/internal/runs/${RUN_A}/logs`;
const STEP = '0193a1f2-8000-7000-8000-000000000001';

function post(srv: TestServer, path: string, body: unknown, key?: string) {
  return fetch(`${srv.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${WORKER_TOKEN}`,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A memory log whose appends wait until `open()` is called, to hold a request in flight. */
function gatedLog(): { log: EventLog; open(): void; entered: Promise<void> } {
  const inner = createMemoryEventLog();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let entered!: () => void;
  const enteredPromise = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const log: EventLog = {
    ...inner,
    epoch: inner.epoch,
    async append(inputs: readonly unknown[], options?: AppendOptions): Promise<StoredEvent[]> {
      entered();
      await gate;
      return inner.append(inputs, options);
    },
  };
  return { log, open, entered: enteredPromise };
}

describe('Idempotency-Key on the ingest routes', () => {
  it('answers a repeated key with the same body with the first answer, marked replayed, appending nothing', async () => {
    const srv = await server();
    const batch = [runCreated(RUN_A, 'one'), runCreated(RUN_A, 'two')];
    const first = await post(srv, EVENTS, batch, 'batch-0001');
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const firstText = await first.text();
    for (let retry = 0; retry < 3; retry++) {
      const again = await post(srv, EVENTS, batch, 'batch-0001');
      expect(again.status).toBe(202);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await again.text()).toBe(firstText);
    }
    expect(srv.log.bounds().headSeq).toBe(2);
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metrics).toMatch(/^ironflow_ingest_idempotent_replays_total 3$/m);
  });

  it('compares the decoded body: the same JSON sent gzip-compressed is the same request', async () => {
    const { gzipSync } = await import('node:zlib');
    const srv = await server();
    const body = JSON.stringify(runCreated(RUN_A));
    const first = await post(srv, EVENTS, body, 'k');
    const again = await fetch(`${srv.url}${EVENTS}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${WORKER_TOKEN}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'idempotency-key': 'k',
      },
      body: gzipSync(body),
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED, nothing appended', async () => {
    const srv = await server();
    expect((await post(srv, EVENTS, runCreated(RUN_A, 'a'), 'k1')).status).toBe(202);
    const reused = await post(srv, EVENTS, runCreated(RUN_A, 'b'), 'k1');
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The same key on the other route is another request too.
    const logs = { step_id: STEP, step_name: 'build', stream: 'stdout', lines: ['x'] };
    expect((await post(srv, LOGS, logs, 'k1')).status).toBe(422);
    expect(srv.log.bounds().headSeq).toBe(1);
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metrics).toMatch(/^ironflow_ingest_rejections_total\{code="IDEMPOTENCY_KEY_REUSED"\} 2$/m);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request with the key is in flight', async () => {
    const gated = gatedLog();
    const srv = await server({ log: gated.log });
    const first = post(srv, EVENTS, runCreated(RUN_A), 'slow');
    await gated.entered;
    const second = await post(srv, EVENTS, runCreated(RUN_A), 'slow');
    expect(second.status).toBe(409);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    gated.open();
    expect((await first).status).toBe(202);
    const third = await post(srv, EVENTS, runCreated(RUN_A), 'slow');
    expect(third.headers.get('idempotent-replayed')).toBe('true');
  });

  it('frees the key of a request that failed validation, so a corrected request can use it', async () => {
    const srv = await server();
    const bad = await post(srv, EVENTS, { type: 'run_created', run_id: 'nope' }, 'k2');
    expect(bad.status).toBe(400);
    const good = await post(srv, EVENTS, runCreated(RUN_A), 'k2');
    expect(good.status).toBe(202);
    expect(good.headers.get('idempotent-replayed')).toBeNull();
  });

  it('replays the logs route too, without making new ids', async () => {
    const srv = await server();
    const body = { step_id: STEP, step_name: 'build', stream: 'stdout', lines: ['a', 'b'] };
    const first = await post(srv, LOGS, body, 'logs-1');
    const again = await post(srv, LOGS, body, 'logs-1');
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
    expect(srv.log.bounds().headSeq).toBe(2);
    // An empty batch is remembered as well.
    const empty = { ...body, lines: [] };
    expect(await (await post(srv, LOGS, empty, 'logs-2')).json()).toEqual({
      data: { accepted: 0, first_id: null, last_id: null },
      meta: null,
    });
    expect((await post(srv, LOGS, empty, 'logs-2')).headers.get('idempotent-replayed')).toBe('true');
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
    ['non-ASCII', 'clé'],
  ])('refuses a key that is %s with 400, appending nothing', async (_name, key) => {
    const srv = await server();
    const response = await post(srv, EVENTS, runCreated(RUN_A), key);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'BAD_REQUEST', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' },
    });
    expect(srv.log.bounds().headSeq).toBe(0);
  });

  it('accepts a key of 255 visible ASCII characters', async () => {
    const srv = await server();
    const key = Array.from({ length: 255 }, (_, i) => String.fromCharCode(0x21 + (i % 94))).join('');
    expect((await post(srv, EVENTS, runCreated(RUN_A), key)).status).toBe(202);
    expect((await post(srv, EVENTS, runCreated(RUN_A), key)).headers.get('idempotent-replayed')).toBe('true');
  });
});
