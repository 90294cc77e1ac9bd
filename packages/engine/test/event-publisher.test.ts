import { describe, expect, it, vi } from 'vitest';
import {
  createInProcessNotifier,
  type EventKind,
  InvalidOptionError,
  type IronflowEvent,
  PublisherClosedError,
  type SubscriberErrorContext,
  SubscriberQueueOverflowError,
  UnknownEventKindError,
  validateEvent,
} from '../src/index.js';
import { example, RUN_ID } from './fixtures.js';

const WAIT = { timeout: 2_000, interval: 5 };

function logLine(n: number): IronflowEvent {
  const result = validateEvent({ ...example('log_line'), line: `line ${n}` });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}

function eventOf(kind: EventKind): IronflowEvent {
  const result = validateEvent(example(kind));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}

const lineOf = (event: IronflowEvent): string => (event.type === 'log_line' ? event.line : event.type);

/** A promise with its resolver, to let a test decide when a handler finishes. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('createInProcessNotifier', () => {
  it('delivers to each subscriber in publish order, one at a time, with async handlers', async () => {
    const publisher = createInProcessNotifier();
    const seen: string[] = [];
    let running = 0;
    let maxRunning = 0;
    publisher.subscribe(['log_line'], async (event) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      // Later events finish sooner: only sequential delivery keeps the order.
      await new Promise((resolve) => setTimeout(resolve, (20 - (seen.length % 20)) / 4));
      seen.push(event.line);
      running -= 1;
    });
    const lines = Array.from({ length: 50 }, (_, n) => logLine(n));
    publisher.publishAll(lines.slice(0, 25));
    for (const line of lines.slice(25)) publisher.publish(line);
    await publisher.idle();
    expect(seen).toEqual(lines.map(lineOf));
    expect(maxRunning).toBe(1);
  });

  it('only delivers the kinds subscribed to; an empty list receives nothing', async () => {
    const publisher = createInProcessNotifier();
    const nothing = vi.fn();
    const some: string[] = [];
    publisher.subscribe([], nothing);
    publisher.subscribe(['run_created', 'user_signed_in'], (event) => {
      some.push(event.type);
    });
    publisher.publishAll(
      ['run_created', 'log_line', 'user_signed_in', 'run_failed'].map((k) => eventOf(k as EventKind)),
    );
    await publisher.idle();
    expect(nothing).not.toHaveBeenCalled();
    expect(some).toEqual(['run_created', 'user_signed_in']);
  });

  it('never runs a handler inside publish', () => {
    const publisher = createInProcessNotifier();
    const handler = vi.fn();
    publisher.subscribe(['log_line'], handler);
    publisher.publish(logLine(1));
    expect(handler).not.toHaveBeenCalled();
  });

  it('never throws from publish, even for garbage from untyped callers', async () => {
    const publisher = createInProcessNotifier();
    const handler = vi.fn();
    publisher.subscribe(['log_line'], handler);
    for (const garbage of [null, undefined, 42, 'log_line', { type: 'nope' }, {}]) {
      expect(() => publisher.publish(garbage as never)).not.toThrow();
    }
    await publisher.idle();
    expect(handler).not.toHaveBeenCalled();
  });

  it('isolates subscribers: a throwing one and a stuck one do not affect a healthy one', async () => {
    const errors: [unknown, SubscriberErrorContext][] = [];
    const publisher = createInProcessNotifier({ onError: (error, context) => errors.push([error, context]) });
    const stuckStarted = vi.fn();
    publisher.subscribe(
      ['log_line'],
      () => {
        throw new Error('boom');
      },
      { name: 'thrower' },
    );
    publisher.subscribe(['log_line'], async () => Promise.reject(new Error('async boom')), {
      name: 'rejecter',
    });
    publisher.subscribe(
      ['log_line'],
      () => {
        stuckStarted();
        return new Promise<void>(() => {});
      },
      { name: 'stuck' },
    );
    const healthy: string[] = [];
    publisher.subscribe(
      ['log_line'],
      async (event) => {
        healthy.push(event.line);
      },
      { name: 'healthy' },
    );

    const lines = [logLine(1), logLine(2), logLine(3)];
    publisher.publishAll(lines);
    await vi.waitFor(() => expect(healthy).toEqual(lines.map(lineOf)), WAIT);
    await vi.waitFor(() => expect(errors).toHaveLength(6), WAIT);

    expect(stuckStarted).toHaveBeenCalledTimes(1);
    const byName = (name: string) => errors.filter(([, context]) => context.subscriber.name === name);
    expect(
      byName('thrower').map(([error, context]) => [(error as Error).message, lineOf(context.event)]),
    ).toEqual([
      ['boom', 'line 1'],
      ['boom', 'line 2'],
      ['boom', 'line 3'],
    ]);
    expect(byName('rejecter').map(([error]) => (error as Error).message)).toEqual([
      'async boom',
      'async boom',
      'async boom',
    ]);
    expect(byName('thrower')[0]?.[1].subscriber.kinds).toEqual(['log_line']);
  });

  it('keeps publishing fast while a subscriber is stuck', async () => {
    const publisher = createInProcessNotifier({ maxQueuedPerSubscriber: 100_000, onError: () => {} });
    publisher.subscribe(['log_line'], () => new Promise<void>(() => {}));
    const healthy = vi.fn();
    publisher.subscribe(['log_line'], healthy);
    const event = logLine(0);
    for (let n = 0; n < 50_000; n += 1) publisher.publish(event);
    await vi.waitFor(() => expect(healthy).toHaveBeenCalledTimes(50_000), WAIT);
  });

  it('drops the oldest queued event past the bound and reports it', async () => {
    const errors: [unknown, SubscriberErrorContext][] = [];
    const publisher = createInProcessNotifier({
      maxQueuedPerSubscriber: 3,
      onError: (e, c) => errors.push([e, c]),
    });
    const release = gate();
    const seen: string[] = [];
    publisher.subscribe(
      ['log_line'],
      async (event) => {
        seen.push(event.line);
        if (event.line === 'line 0') await release.opened;
      },
      { name: 'slow' },
    );

    publisher.publish(logLine(0));
    await vi.waitFor(() => expect(seen).toEqual(['line 0']), WAIT);
    // line 0 is in flight; the queue holds at most 3: 1, 2, 3, then 4 and 5 push out 1 and 2.
    for (let n = 1; n <= 5; n += 1) publisher.publish(logLine(n));
    expect(errors).toHaveLength(2);
    const [error, context] = errors[0] ?? [];
    expect(error).toBeInstanceOf(SubscriberQueueOverflowError);
    expect(error).toMatchObject({ code: 'SUBSCRIBER_QUEUE_OVERFLOW' });
    expect((error as Error).message).toBe(
      'subscriber "slow" has more than 3 queued events: dropped its oldest queued log_line event',
    );
    expect(context?.subscriber.name).toBe('slow');
    expect(errors.map(([, c]) => lineOf(c.event))).toEqual(['line 1', 'line 2']);

    release.open();
    await publisher.idle();
    expect(seen).toEqual(['line 0', 'line 3', 'line 4', 'line 5']);
  });

  it('stops delivery on unsubscribe, and idle() stops waiting for that subscriber', async () => {
    const publisher = createInProcessNotifier();
    const release = gate();
    const seen: string[] = [];
    const subscription = publisher.subscribe(['log_line'], async (event) => {
      seen.push(event.line);
      await release.opened;
    });
    publisher.publishAll([logLine(1), logLine(2), logLine(3)]);
    await vi.waitFor(() => expect(seen).toEqual(['line 1']), WAIT);
    subscription.unsubscribe();
    subscription.unsubscribe();
    await publisher.idle();
    publisher.publish(logLine(4));
    release.open();
    await publisher.idle();
    await release.opened;
    expect(seen).toEqual(['line 1']);
  });

  it('idle() resolves at once with nothing queued, and after the queues drain otherwise', async () => {
    const publisher = createInProcessNotifier();
    await publisher.idle();
    const seen: string[] = [];
    publisher.subscribe(['log_line'], async (event) => {
      await Promise.resolve();
      seen.push(event.line);
    });
    publisher.publishAll([logLine(1), logLine(2)]);
    await publisher.idle();
    expect(seen).toEqual(['line 1', 'line 2']);
  });

  it('close() stops new events and subscribers but delivers what is queued', async () => {
    const publisher = createInProcessNotifier();
    const seen: string[] = [];
    publisher.subscribe(['log_line'], (event) => {
      seen.push(event.line);
    });
    publisher.publish(logLine(1));
    publisher.close();
    publisher.publish(logLine(2));
    expect(() => publisher.subscribe(['log_line'], () => {})).toThrow(PublisherClosedError);
    await publisher.idle();
    expect(seen).toEqual(['line 1']);
  });

  it('reports to console.error when onError is not given or throws', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const quiet = createInProcessNotifier();
      quiet.subscribe(['log_line'], () => {
        throw new Error('no handler for me');
      });
      quiet.publish(logLine(1));
      await quiet.idle();
      expect(consoleError).toHaveBeenCalledTimes(1);
      expect(String(consoleError.mock.calls[0]?.[0])).toMatch(/subscriber "subscriber-1" failed on log_line/);

      const loud = createInProcessNotifier({
        onError: () => {
          throw new Error('onError broke');
        },
      });
      const after = vi.fn();
      loud.subscribe(['log_line'], (event) => {
        if (event.line === 'line 1') throw new Error('first fails');
        after(event.line);
      });
      loud.publishAll([logLine(1), logLine(2)]);
      await loud.idle();
      expect(consoleError).toHaveBeenCalledTimes(2);
      expect(after).toHaveBeenCalledWith('line 2');
    } finally {
      consoleError.mockRestore();
    }
  });

  it('checks its options and arguments when built', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createInProcessNotifier({ maxQueuedPerSubscriber: bad })).toThrow(InvalidOptionError);
    }
    const publisher = createInProcessNotifier();
    expect(() => publisher.subscribe(['nope' as EventKind], () => {})).toThrow(UnknownEventKindError);
    expect(() => publisher.subscribe(['log_line'], 'x' as never)).toThrow(InvalidOptionError);
  });

  it('passes the same run to every kind subscribed', async () => {
    const publisher = createInProcessNotifier();
    const runs: string[] = [];
    publisher.subscribe(['run_created', 'step_failed'], (event) => {
      runs.push(event.run_id);
    });
    publisher.publishAll([eventOf('run_created'), eventOf('step_failed')]);
    await publisher.idle();
    expect(runs).toEqual([RUN_ID, RUN_ID]);
  });
});
