import { hashPassword } from '@ironflow/auth';
import {
  createMemoryEventLog,
  createMemoryIdempotencyStore,
  createMemoryUserStore,
  type EventLog,
  formatCursor,
  type IdempotencyStore,
  StoreUnavailableError,
  type TailStatus,
  type UserStore,
} from '@ironflow/store';
import { within } from '@ironflow/test-support';
import { describe, expect, it } from 'vitest';
import { RUN_A, runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { useTestServers, WORKER_TOKEN } from './support/test-server.js';

type Fault = 'none' | 'fail' | 'hang';

/** A memory log and user store whose store calls fail or hang on demand, and whose tail can stop following. */
function faultyStores() {
  const inner = createMemoryEventLog();
  const innerUsers = createMemoryUserStore();
  const state: { fault: Fault; tail: TailStatus } = {
    fault: 'none',
    tail: { following: true, sinceMs: Date.now(), reason: null },
  };
  const guard = <T>(call: () => Promise<T>): Promise<T> => {
    if (state.fault === 'fail') return Promise.reject(new StoreUnavailableError());
    if (state.fault === 'hang') return new Promise<T>(() => {});
    return call();
  };
  const log: EventLog = {
    get epoch() {
      return inner.epoch;
    },
    append: (inputs) => guard(() => inner.append(inputs)),
    read: (options) => guard(() => inner.read(options)),
    readBefore: (options) => guard(() => inner.readBefore(options)),
    readLogLines: (query) => guard(() => inner.readLogLines(query)),
    readPage: (query) => guard(() => inner.readPage(query)),
    bounds: () => inner.bounds(),
    subscribe: (listener) => inner.subscribe(listener),
    tailStatus: () => state.tail,
    ping: () => guard(() => inner.ping()),
    prune: () => inner.prune(),
    close: () => inner.close(),
  };
  const users: UserStore = {
    create: (input) => guard(() => innerUsers.create(input)),
    findById: (id) => guard(() => innerUsers.findById(id)),
    findByEmail: (email) => guard(() => innerUsers.findByEmail(email)),
    findByUsername: (name) => guard(() => innerUsers.findByUsername(name)),
    count: () => guard(() => innerUsers.count()),
  };
  return { log, users, innerUsers, state };
}

const server = useTestServers();
const STORE_TIMEOUT_MS = 300;

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('GET /api/v1/ready', () => {
  it('answers 200 with docs/PROTOCOL.md body while the store answers and the tail follows (memory store)', async () => {
    const srv = await server();
    const response = await fetch(`${srv.url}/api/v1/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { status: 'ready' }, meta: null });
  });

  it('answers 503 naming the tail or the store when either is wrong, and 200 again after', async () => {
    const { log, users, state } = faultyStores();
    const srv = await server({ log, users });
    state.tail = {
      following: false,
      sinceMs: Date.parse('2026-01-02T03:04:05Z'),
      reason: 'LISTEN connection lost: boom',
    };
    let response = await fetch(`${srv.url}/api/v1/ready`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.message).toContain('tail does not follow since 2026-01-02T03:04:05.000Z');
    expect(body.error.message).toContain('LISTEN connection lost: boom');

    state.tail = { following: true, sinceMs: Date.now(), reason: null };
    state.fault = 'fail';
    response = await fetch(`${srv.url}/api/v1/ready`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'the store does not answer',
    );
    // The liveness check does not depend on the store.
    expect((await fetch(`${srv.url}/api/v1/health-check`)).status).toBe(200);

    state.fault = 'none';
    expect((await fetch(`${srv.url}/api/v1/ready`)).status).toBe(200);
  });
});

describe('a store that cannot be reached', () => {
  it('answers ingest, sign-up, sign-in and stream resumes 503 with Retry-After, never 500', async () => {
    const { log, users, innerUsers, state } = faultyStores();
    const srv = await server({ log, users, storeTimeoutMs: STORE_TIMEOUT_MS });
    await innerUsers.create({
      email: 'ada@example.com',
      username: 'ada',
      passwordHash: await hashPassword('secret-pass'),
    });
    await srv.ingest([runCreated(RUN_A)]);
    for (const fault of ['fail', 'hang'] as const) {
      state.fault = fault;
      const attempts: [string, () => Promise<Response>][] = [
        ['ingest', () => srv.ingest([runCreated(RUN_A)])],
        [
          'logs ingest',
          () =>
            srv.ingest(
              { step_id: RUN_A, step_name: 's', stream: 'stdout', lines: ['x'] },
              `/api/v1/internal/runs/${RUN_A}/logs`,
            ),
        ],
        [
          'sign-up',
          () =>
            post(`${srv.url}/api/v1/auth/sign-up`, {
              email: 'bo@example.com',
              username: 'bob',
              password: 'secret-pass',
            }),
        ],
        [
          'sign-in',
          () => post(`${srv.url}/api/v1/auth/sign-in`, { username: 'ada', password: 'secret-pass' }),
        ],
        [
          'history',
          () =>
            fetch(`${srv.url}/api/v1/runs/${RUN_A}/logs`, {
              headers: { authorization: `Bearer ${srv.token()}` },
            }),
        ],
        [
          'stream resume',
          () =>
            // A cursor past this instance's head is looked up in the log before the stream opens.
            fetch(`${srv.url}/api/v1/events`, {
              headers: {
                authorization: `Bearer ${srv.token()}`,
                'last-event-id': formatCursor(log.epoch, 99),
              },
            }),
        ],
      ];
      for (const [what, attempt] of attempts) {
        const started = Date.now();
        const response = await within(
          STORE_TIMEOUT_MS + 2_000,
          `${what} (${fault}) to be answered`,
          attempt(),
        );
        const elapsed = Date.now() - started;
        const text = await response.text();
        expect(`${what} ${fault} ${response.status} ${text}`).toBe(`${what} ${fault} 503 ${text}`);
        expect(JSON.parse(text).error.code).toBe('SERVICE_UNAVAILABLE');
        expect(response.headers.get('retry-after')).toBe('1');
        expect(elapsed).toBeLessThan(STORE_TIMEOUT_MS + 1_000);
      }
    }
    state.fault = 'none';
    expect((await srv.ingest([runCreated(RUN_A)])).status).toBe(202);
  });
});

describe('keyed ingest when the store cannot be reached', () => {
  it('answers 503 within the deadline whether the key store or the log fails or hangs (a release never waits)', async () => {
    const { log, users, state } = faultyStores();
    const inner = createMemoryIdempotencyStore();
    const keyFault: { fault: Fault } = { fault: 'none' };
    const idempotency: IdempotencyStore = {
      async claim(request) {
        if (keyFault.fault === 'fail') throw new StoreUnavailableError();
        if (keyFault.fault === 'hang') return new Promise<never>(() => {});
        const claim = await inner.claim(request);
        if (claim.outcome !== 'claimed') return claim;
        // A release that hangs, as one to a black-holed database would.
        return { outcome: 'claimed', lease: { ...claim.lease, release: () => new Promise<void>(() => {}) } };
      },
      prune: () => inner.prune(),
      close: () => inner.close(),
    };
    const srv = await server({ log, users, idempotency, storeTimeoutMs: STORE_TIMEOUT_MS });
    const keyed = (key: string) =>
      fetch(`${srv.url}/api/v1/internal/events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${WORKER_TOKEN}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(runCreated(RUN_A)),
      });
    const cases: [string, () => void][] = [
      ['claim fails', () => Object.assign(keyFault, { fault: 'fail' })],
      ['claim hangs', () => Object.assign(keyFault, { fault: 'hang' })],
      ['append fails', () => Object.assign(state, { fault: 'fail' })],
      ['append hangs', () => Object.assign(state, { fault: 'hang' })],
    ];
    for (const [index, [what, inject]] of cases.entries()) {
      keyFault.fault = 'none';
      state.fault = 'none';
      inject();
      const started = Date.now();
      const response = await within(STORE_TIMEOUT_MS + 2_000, `${what} to be answered`, keyed(`k${index}`));
      expect(`${what} ${response.status}`).toBe(`${what} 503`);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(Date.now() - started).toBeLessThan(STORE_TIMEOUT_MS + 1_000);
    }
  });
});

describe('an instance whose tail cannot follow the log', () => {
  it('ends its streams past followGraceMs, refuses new ones with 503 and Retry-After, and serves again once it follows', async () => {
    const { log, users, state } = faultyStores();
    const srv = await server({ log, users, stream: { followGraceMs: 200, tickMs: 50 } });
    const auth = { authorization: `Bearer ${srv.token()}` };
    const open = await SseClient.open(`${srv.url}/api/v1/events`, auth);
    expect(open.status).toBe(200);

    state.tail = { following: false, sinceMs: Date.now(), reason: 'LISTEN connection lost: test' };
    // Within the grace a new stream still opens: the tail may follow again in a moment.
    const early = await SseClient.open(`${srv.url}/api/v1/events`, auth);
    expect(early.status).toBe(200);
    await open.waitForEnd();
    await early.waitForEnd();

    const refused = await fetch(`${srv.url}/api/v1/events`, { headers: auth });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.message).toContain('has not followed the event log');

    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metrics).toMatch(/^ironflow_log_tail_following 0$/m);
    expect(metrics).toMatch(/^ironflow_sse_streams_closed_total\{reason="unavailable"\} 2$/m);

    state.tail = { following: true, sinceMs: Date.now(), reason: null };
    expect(await (await fetch(`${srv.url}/metrics`)).text()).toMatch(/^ironflow_log_tail_following 1$/m);
    const again = await SseClient.open(`${srv.url}/api/v1/events`, auth);
    expect(again.status).toBe(200);
    await srv.ingest([runCreated(RUN_A, 'after')]);
    await again.waitForMessages(1);
    again.close();
  });
});
