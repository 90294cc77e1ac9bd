import type { RunFailed, StepFailed } from '@ironflow/engine';
import { waitFor } from '@ironflow/test-support';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  InvalidClientOptionError,
  StreamConnectionError,
  type Subscription,
  subscribe,
} from '../src/index.js';
import { RUN_A } from './support/sample-events.js';
import { type StreamServer, startStreamServer } from './support/stream-server.js';

const servers: StreamServer[] = [];
const subscriptions: Subscription[] = [];

async function server(): Promise<StreamServer> {
  const started = await startStreamServer();
  servers.push(started);
  return started;
}

afterEach(async () => {
  for (const subscription of subscriptions.splice(0)) subscription.close();
  for (const started of servers.splice(0)) await started.close();
});

/** Subscribes and collects errors; `credential` defaults to a valid token of `srv`. */
function follow(srv: StreamServer, options: Partial<Parameters<typeof subscribe>[0]> = {}) {
  const errors: Error[] = [];
  const subscription = subscribe(
    { url: srv.url, EventSource, credential: srv.token(), reconnect: { initialDelayMs: 20 }, ...options },
    { onEvent: () => {}, onError: (error) => errors.push(error) },
  );
  subscriptions.push(subscription);
  return { subscription, errors };
}

describe("subscribe: the server's refusals", () => {
  it("reports a 400 with the server's code and message, and closes", async () => {
    const srv = await server();
    const { subscription, errors } = follow(srv, { lastEventId: 'garbage' });
    await waitFor(() => subscription.state === 'closed', 'the subscription to close');
    expect(errors).toHaveLength(1);
    const error = errors[0] as StreamConnectionError;
    expect(error).toBeInstanceOf(StreamConnectionError);
    expect(error).toMatchObject({ status: 400, code: 'BAD_REQUEST', retryInMs: null });
    expect(error.serverMessage).toContain('garbage');
    expect(error.message).toBe(`stream connection failed (HTTP 400 BAD_REQUEST): ${error.serverMessage}`);
  });

  it('stops on a 401 from a fixed credential, saying what to pass', async () => {
    const srv = await server();
    const { subscription, errors } = follow(srv, { credential: 'not-a-token' });
    await waitFor(() => subscription.state === 'closed', 'the subscription to close');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ status: 401, code: 'INVALID_TOKEN', retryInMs: null });
    expect(errors[0]?.message).toContain('pass a valid access token or irfl_ API key');
  });

  it('asks a credential function again after a 401, and goes on with a fresh credential', async () => {
    const srv = await server();
    const answers = ['expired-token', 'expired-token'];
    let asked = 0;
    const { subscription } = follow(srv, {
      credential: () => {
        asked += 1;
        return answers.shift() ?? srv.token();
      },
    });
    await waitFor(() => subscription.state === 'open', 'the stream to open with the fresh credential');
    expect(asked).toBeGreaterThanOrEqual(3);
  });

  it('asks a credential function only once more, then stops', async () => {
    const srv = await server();
    let asked = 0;
    const { subscription, errors } = follow(srv, {
      credential: () => {
        asked += 1;
        return 'never-valid';
      },
    });
    await waitFor(() => subscription.state === 'closed', 'the subscription to close');
    // Each connection and each reading of its refusal asks once: two connections, two readings.
    expect(asked).toBe(4);
    expect(errors.map((error) => (error as StreamConnectionError).retryInMs)).toEqual([0, null]);
  });

  it('understands a url that ends in /api/v1/events and refuses another API path', async () => {
    const srv = await server();
    const { subscription } = follow(srv, { url: `${srv.url}/api/v1/events/` });
    await waitFor(() => subscription.state === 'open', 'the stream to open');
    expect(() => follow(srv, { url: `${srv.url}/api/v1/internal/events` })).toThrow(InvalidClientOptionError);
    expect(() => follow(srv, { url: `${srv.url}/api/v1/internal/events` })).toThrow(`pass "${srv.url}"`);
  });

  it('reports a 404 (not the stream) as final, with a hint about the url', async () => {
    const srv = await server();
    const { subscription, errors } = follow(srv, { url: `${srv.url}/nowhere` });
    await waitFor(() => subscription.state === 'closed', 'the subscription to close');
    expect(errors[0]).toMatchObject({ status: 404, code: 'NOT_FOUND', retryInMs: null });
    expect(errors[0]?.message).toContain("Is url the server's base URL");
  });
});

describe('subscribe: typed by types', () => {
  it('hands onEvent only the kinds asked for, typed as such', async () => {
    const srv = await server();
    const received: string[] = [];
    const subscription = subscribe(
      { url: srv.url, EventSource, credential: srv.token(), types: ['run_failed', 'step_failed'] },
      {
        onEvent(event) {
          expectTypeOf(event).toEqualTypeOf<RunFailed | StepFailed>();
          // Compiles only because the union holds run_failed and step_failed alone.
          received.push(
            event.type === 'run_failed' ? `${event.type}:${event.error}` : `${event.type}:${event.step_name}`,
          );
        },
      },
    );
    subscriptions.push(subscription);
    await waitFor(() => subscription.state === 'open', 'the stream to open');
    await srv.ingest([
      { type: 'run_created', run_id: RUN_A, workflow_name: 'w' },
      { type: 'run_failed', run_id: RUN_A, workflow_name: 'w', error: 'boom', cost_usd: 0, duration_ms: 1 },
    ]);
    await waitFor(() => received.length === 1, 'the run_failed event');
    expect(received).toEqual(['run_failed:boom']);
  });
});
