import { waitFor } from '@ironflow/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventsLostError,
  type HandlerError,
  InvalidEventPayloadError,
  StreamConnectionError,
  type SubscriptionHandlers,
  subscribe,
} from '../src/index.js';
import { FakeEventSource } from './support/fake-event-source.js';
import { RUN_A, runCreated } from './support/sample-events.js';

const CURSOR_1 = 'e1-0000000000000001';
const CURSOR_2 = 'e1-0000000000000002';

function start(handlers: Partial<SubscriptionHandlers> = {}, lastEventId?: string) {
  const seen = {
    events: [] as unknown[],
    errors: [] as Error[],
    gaps: [] as unknown[],
    states: [] as string[],
  };
  const subscription = subscribe(
    {
      url: 'http://127.0.0.1:9/',
      EventSource: FakeEventSource,
      reconnect: { initialDelayMs: 5, maxDelayMs: 10 },
      ...(lastEventId === undefined ? {} : { lastEventId }),
    },
    {
      onEvent: (event) => seen.events.push(event),
      onError: (error) => seen.errors.push(error),
      onGap: (gap) => seen.gaps.push(gap),
      onStateChange: (state) => seen.states.push(state),
      ...handlers,
    },
  );
  subscriptions.push(subscription);
  return { subscription, seen, source: FakeEventSource.latest() };
}

const subscriptions: { close(): void }[] = [];
afterEach(() => {
  for (const subscription of subscriptions.splice(0)) subscription.close();
  FakeEventSource.instances.length = 0;
});

describe('subscribe (state machine, with a hand-driven EventSource)', () => {
  it('connects to <base>/api/v1/events with the query and starts in connecting', () => {
    const { subscription, source } = start({}, 'earliest');
    expect(source.url).toBe('http://127.0.0.1:9/api/v1/events?last_event_id=earliest');
    expect(source.init).toEqual({ withCredentials: false });
    expect(subscription.state).toBe('connecting');
  });

  it('reports an invalid payload to onError, skips it, and still advances the cursor', () => {
    const { subscription, seen, source } = start();
    source.open();
    expect(() =>
      source.message('run_created', '{"type":"run_created","run_id":"nope"}', CURSOR_1),
    ).not.toThrow();
    source.message('run_created', 'not json', CURSOR_2);
    expect(seen.events).toEqual([]);
    expect(seen.errors).toHaveLength(2);
    const [invalid] = seen.errors;
    expect(invalid).toBeInstanceOf(InvalidEventPayloadError);
    expect((invalid as InvalidEventPayloadError).id).toBe(CURSOR_1);
    expect((invalid as InvalidEventPayloadError).issues.map((issue) => issue.path)).toContain('run_id');
    expect(subscription.lastEventId).toBe(CURSOR_2);
  });

  it('rejects an event whose type differs from its SSE event name', () => {
    const { seen, source } = start();
    source.message('step_failed', JSON.stringify(runCreated(1)), CURSOR_1);
    expect(seen.events).toEqual([]);
    expect((seen.errors[0] as InvalidEventPayloadError).issues[0]?.path).toBe('type');
  });

  it('turns a throwing handler into a HandlerError and keeps going', () => {
    let calls = 0;
    const { seen, source } = start({
      onEvent: () => {
        calls += 1;
        throw new Error('boom');
      },
    });
    source.message('run_created', JSON.stringify(runCreated(1)), CURSOR_1);
    source.message('run_created', JSON.stringify(runCreated(2)), CURSOR_2);
    expect(calls).toBe(2);
    expect(seen.errors.map((error) => (error as HandlerError).handler)).toEqual(['onEvent', 'onEvent']);
  });

  it('tells a gap once, then resumes from where the server resumed', () => {
    const { subscription, seen, source } = start({}, CURSOR_1);
    const gap = { type: 'gap', requested: CURSOR_1, resumed_after: null };
    source.message('gap', JSON.stringify(gap));
    source.drop();
    source.message('gap', JSON.stringify(gap));
    expect(seen.gaps).toEqual([{ requested: CURSOR_1, resumed_after: null }]);
    expect(subscription.lastEventId).toBe('earliest');
  });

  it('reports a gap as EventsLostError when there is no onGap', () => {
    const { seen, source } = start({ onGap: undefined });
    source.message('gap', JSON.stringify({ type: 'gap', requested: CURSOR_1, resumed_after: CURSOR_2 }));
    expect(seen.errors[0]).toBeInstanceOf(EventsLostError);
  });

  it('leaves a native reconnect to the EventSource, and replaces one that gave up', async () => {
    const { subscription, seen, source } = start();
    source.open();
    source.message('run_created', JSON.stringify(runCreated(1, RUN_A)), CURSOR_1);
    source.drop();
    expect(subscription.state).toBe('reconnecting');
    expect(FakeEventSource.instances).toHaveLength(1);
    source.fail(503);
    // The server's reasons are read with one fetch (refused here: nothing listens on port 9).
    await waitFor(() => seen.errors.length === 1, 'the refusal reported');
    expect(seen.errors[0]).toBeInstanceOf(StreamConnectionError);
    expect(seen.errors[0]).toMatchObject({ status: 503, code: 'STREAM_CONNECTION_FAILED' });
    await waitFor(() => FakeEventSource.instances.length === 2, 'a new EventSource');
    const next = FakeEventSource.latest();
    expect(next.url).toBe(`http://127.0.0.1:9/api/v1/events?last_event_id=${CURSOR_1}`);
    source.message('run_created', JSON.stringify(runCreated(9)), CURSOR_2);
    expect(seen.events).toHaveLength(1);
    next.open();
    expect(seen.states).toEqual(['open', 'reconnecting', 'open']);
  });

  it.each([400, 401, 403, 404])('closes for good on a %i', async (status) => {
    const { subscription, seen, source } = start();
    source.fail(status);
    await waitFor(() => subscription.state === 'closed', 'the subscription to close');
    expect(FakeEventSource.instances).toHaveLength(1);
    expect((seen.errors[0] as StreamConnectionError).retryInMs).toBeNull();
    expect(seen.states).toEqual(['closed']);
  });
});
