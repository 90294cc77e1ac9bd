import { waitFor } from '@ironflow/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamConnectionError } from '../src/index.js';
import { type Recorder, record } from './support/recorder.js';
import { ONE_OF_EACH_KIND, RUN_A, RUN_B, runCreated, workflowNames } from './support/sample-events.js';
import { type StreamServer, type StreamServerOptions, startStreamServer } from './support/stream-server.js';

const servers: StreamServer[] = [];
const recorders: Recorder[] = [];
const blockers: AbortController[] = [];

async function server(options?: StreamServerOptions): Promise<StreamServer> {
  const started = await startStreamServer(options);
  servers.push(started);
  return started;
}

function track(recorder: Recorder): Recorder {
  recorders.push(recorder);
  return recorder;
}

async function opened(recorder: Recorder): Promise<Recorder> {
  await waitFor(() => recorder.subscription.state === 'open', 'the stream to open');
  return recorder;
}

/** Holds a raw stream open for `token`'s user, taking one of the server's slots. */
async function block(srv: StreamServer, token: string): Promise<AbortController> {
  const controller = new AbortController();
  blockers.push(controller);
  const response = await fetch(`${srv.url}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  return controller;
}

afterEach(async () => {
  for (const recorder of recorders.splice(0)) recorder.subscription.close();
  for (const blocker of blockers.splice(0)) blocker.abort();
  for (const srv of servers.splice(0)) await srv.close();
});

describe('subscribe against a real server', () => {
  it('delivers each of the 20 kinds validated, with its cursor, in order', async () => {
    const srv = await server();
    const client = await opened(track(record(srv)));
    expect(client.states).toEqual(['open']);
    const cursors = await srv.ingest(ONE_OF_EACH_KIND);
    await waitFor(() => client.events.length === 20, '20 events');
    expect(client.events).toEqual(ONE_OF_EACH_KIND);
    expect(client.ids).toEqual(cursors);
    expect(client.subscription.lastEventId).toBe(cursors[19]);
    expect(client.errors).toEqual([]);
  });

  it('fills defaults as the engine schema does (typed, validated events)', async () => {
    const srv = await server();
    const client = await opened(track(record(srv)));
    await srv.ingest([
      { type: 'run_failed', run_id: RUN_A.toUpperCase(), workflow_name: 'x', cost_usd: 1, duration_ms: 2 },
    ]);
    await waitFor(() => client.events.length === 1, 'the event');
    const event = client.events[0];
    if (event?.type !== 'run_failed') throw new Error('expected run_failed');
    expect(event.run_id).toBe(RUN_A);
    expect(event.error).toBeNull();
    expect(event.labels).toEqual({});
    expect(event.at).toMatch(/Z$/);
  });

  it('filters by run and by kinds', async () => {
    const srv = await server();
    const byRun = await opened(track(record(srv, { runId: RUN_B })));
    const byKind = await opened(track(record(srv, { types: ['approval_granted', 'step_failed'] })));
    await srv.ingest([runCreated(1, RUN_A), runCreated(2, RUN_B), ...ONE_OF_EACH_KIND]);
    await waitFor(() => byKind.events.length === 2, 'the two matching kinds');
    await waitFor(() => byRun.events.length === 1, 'the run B event');
    expect(byRun.events).toEqual([runCreated(2, RUN_B)]);
    expect(byKind.events.map((event) => event.type)).toEqual(['step_failed', 'approval_granted']);
  });

  it('starts after a given cursor, or from the earliest retained event', async () => {
    const srv = await server();
    const cursors = await srv.ingest([runCreated(1), runCreated(2), runCreated(3)]);
    const fromCursor = track(record(srv, { lastEventId: cursors[0] }));
    const fromEarliest = track(record(srv, { lastEventId: 'earliest' }));
    expect(fromEarliest.subscription.lastEventId).toBe('earliest');
    await waitFor(() => fromCursor.events.length === 2 && fromEarliest.events.length === 3, 'the replay');
    await srv.ingest([runCreated(4)]);
    await waitFor(() => fromCursor.events.length === 3 && fromEarliest.events.length === 4, 'the live event');
    expect(workflowNames(fromCursor.events)).toEqual(['wf-2', 'wf-3', 'wf-4']);
    expect(workflowNames(fromEarliest.events)).toEqual(['wf-1', 'wf-2', 'wf-3', 'wf-4']);
    expect(fromCursor.gaps).toEqual([]);
    expect(fromEarliest.gaps).toEqual([]);
  });

  it('after the server cuts the connection, delivers what was published meanwhile exactly once, in order', async () => {
    const srv = await server();
    const client = await opened(track(record(srv)));
    await srv.ingest([runCreated(1), runCreated(2)]);
    await waitFor(() => client.events.length === 2, 'the first two');
    srv.dropConnections();
    await waitFor(() => client.subscription.state === 'reconnecting', 'the drop to be seen');
    await srv.ingest([runCreated(3), runCreated(4), runCreated(5)]);
    await opened(client);
    await srv.ingest([runCreated(6)]);
    await waitFor(() => client.events.length >= 6, 'six events');
    expect(workflowNames(client.events)).toEqual(['wf-1', 'wf-2', 'wf-3', 'wf-4', 'wf-5', 'wf-6']);
    expect(client.gaps).toEqual([]);
    expect(client.states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('surfaces a gap for an evicted cursor, then replays what is retained', async () => {
    const srv = await server({ historyLimit: 3 });
    const cursors = await srv.ingest([1, 2, 3, 4, 5, 6].map((n) => runCreated(n)));
    const client = track(record(srv, { lastEventId: cursors[0] }));
    await waitFor(() => client.events.length === 3, 'the retained events');
    expect(client.gaps).toEqual([{ requested: cursors[0], resumed_after: cursors[2] }]);
    expect(workflowNames(client.events)).toEqual(['wf-4', 'wf-5', 'wf-6']);
    expect(client.calls.indexOf('gap')).toBeLessThan(client.calls.indexOf('event'));
  });

  it('surfaces a gap when the server restarts with a fresh in-memory log (new epoch)', async () => {
    const first = await server();
    const client = await opened(track(record(first)));
    const [cursor] = await first.ingest([runCreated(1)]);
    await waitFor(() => client.events.length === 1, 'the first event');
    await first.close();
    await waitFor(() => client.subscription.state === 'reconnecting', 'the disconnect');
    const second = await server({ port: first.port });
    await second.ingest([runCreated(2), runCreated(3)]);
    await waitFor(() => client.events.length === 3, 'the new epoch replay');
    expect(client.gaps).toEqual([{ requested: cursor, resumed_after: null }]);
    expect(workflowNames(client.events)).toEqual(['wf-1', 'wf-2', 'wf-3']);
    expect(client.subscription.lastEventId).toBe(client.ids[2]);
    expect(client.ids[2]?.startsWith(second.log.epoch)).toBe(true);
  });

  it('retries with backoff after a 503 at connect, then replays with no loss', async () => {
    const srv = await server({ stream: { maxStreams: 1 } });
    const blocker = await block(srv, srv.token());
    const client = track(record(srv, { lastEventId: 'earliest' }));
    await waitFor(() => client.errors.length >= 2, 'two refused attempts');
    const [refused] = client.errors;
    expect(refused).toBeInstanceOf(StreamConnectionError);
    expect((refused as StreamConnectionError).status).toBe(503);
    expect((refused as StreamConnectionError).retryInMs).toBeGreaterThanOrEqual(10);
    expect(client.subscription.state).toBe('reconnecting');
    await srv.ingest([runCreated(1), runCreated(2)]);
    blocker.abort();
    await opened(client);
    await srv.ingest([runCreated(3)]);
    await waitFor(() => client.events.length === 3, 'three events');
    expect(workflowNames(client.events)).toEqual(['wf-1', 'wf-2', 'wf-3']);
  });

  it('after a drop and a 429 on reconnect, creates a new EventSource from its cursor and loses nothing', async () => {
    const srv = await server({ stream: { maxStreamsPerUser: 1 } });
    const userId = crypto.randomUUID();
    const token = () => srv.token({ userId });
    // Holds the client's reconnect at the door until the slot is taken, so the 429 is certain.
    let gate: Promise<void> = Promise.resolve();
    let openGate = () => {};
    let waiting = 0;
    const urls: string[] = [];
    const gatedFetch = async (url: string | URL, init: RequestInit) => {
      waiting += 1;
      urls.push(String(url));
      await gate;
      return fetch(url, init);
    };
    const client = await opened(track(record(srv, { token, fetch: gatedFetch })));
    const [first] = await srv.ingest([runCreated(1)]);
    await waitFor(() => client.events.length === 1, 'the first event');

    gate = new Promise((resolve) => {
      openGate = resolve;
    });
    const attempts = waiting;
    srv.dropConnections();
    await waitFor(() => waiting > attempts, 'the reconnect attempt');
    await waitFor(() => srv.ironflow.hub.inspect().connections === 0, 'the server to forget the stream');
    const blocker = await block(srv, token());
    await srv.ingest([runCreated(2), runCreated(3)]);
    openGate();
    await waitFor(() => client.errors.length >= 1, 'the 429');
    expect((client.errors[0] as StreamConnectionError).status).toBe(429);
    blocker.abort();
    await opened(client);
    await srv.ingest([runCreated(4)]);
    await waitFor(() => client.events.length >= 4, 'four events');
    expect(workflowNames(client.events)).toEqual(['wf-1', 'wf-2', 'wf-3', 'wf-4']);
    expect(client.gaps).toEqual([]);
    expect(urls[0]).not.toContain('last_event_id');
    expect(urls.at(-1)).toContain(`last_event_id=${first}`);
  });

  it('asks the token function again when the server ends a stream whose token expired', async () => {
    const srv = await server({ accessTtlSeconds: 1, stream: { tickMs: 50 } });
    let minted = 0;
    const token = () => {
      minted += 1;
      return srv.token();
    };
    const client = await opened(track(record(srv, { token })));
    await srv.ingest([runCreated(1)]);
    await waitFor(
      () => minted >= 2 && client.subscription.state === 'open',
      'a reconnect with a new token',
      5_000,
    );
    await srv.ingest([runCreated(2)]);
    await waitFor(() => client.events.length === 2, 'both events');
    expect(workflowNames(client.events)).toEqual(['wf-1', 'wf-2']);
  });

  it('close() stops everything: state closed, no timer left, no callback after', async () => {
    const srv = await server({ stream: { maxStreams: 1 } });
    const blocker = await block(srv, srv.token());
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const baseline = timers();
    const client = track(record(srv, { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } }));
    await waitFor(() => client.errors.length === 1, 'the refused attempt');
    expect(timers()).toBe(baseline + 1);
    client.subscription.close();
    expect(client.subscription.state).toBe('closed');
    expect(timers()).toBe(baseline);
    const callsAtClose = client.calls.length;

    blocker.abort();
    const control = await opened(track(record(srv)));
    await srv.ingest([runCreated(1)]);
    await waitFor(() => control.events.length === 1, 'the control subscription');
    expect(client.calls.length).toBe(callsAtClose);
    expect(client.calls.at(-1)).toBe('state:closed');
  });

  it('close() on an open stream ends it on the server and is idempotent', async () => {
    const srv = await server();
    const client = await opened(track(record(srv)));
    const control = await opened(track(record(srv)));
    client.subscription.close();
    client.subscription.close();
    expect(client.states).toEqual(['open', 'closed']);
    await waitFor(() => srv.ironflow.hub.inspect().connections === 1, 'the server to drop the stream');
    await srv.ingest([runCreated(1)]);
    await waitFor(() => control.events.length === 1, 'the control subscription');
    expect(client.events).toEqual([]);
  });
});
