import {
  InvalidOptionError,
  PublisherClosedError,
  SubscriberQueueOverflowError,
  UnknownEventKindError,
} from './errors.js';
import { EVENT_KIND_NAMES, isEventKindName } from './event-kinds.js';
import type { EventKind, EventKindName, EventOf, IronflowEvent } from './event-types.js';
import { FifoQueue } from './fifo-queue.js';

/** Who a subscriber is, as reported to `onError`. */
export interface SubscriberInfo {
  readonly name: string;
  readonly kinds: readonly EventKindName[];
}

/** What `onError` learns besides the error: the event being handled (or dropped) and by whom. */
export interface SubscriberErrorContext {
  readonly event: IronflowEvent;
  readonly subscriber: SubscriberInfo;
}

/** Options of {@link createInProcessNotifier}. */
export interface EventPublisherOptions {
  /**
   * How many events may wait in one subscriber's queue (not counting the one being handled). Past it,
   * the oldest queued event is dropped and reported to `onError` as a `SubscriberQueueOverflowError`.
   * @default 10_000
   */
  readonly maxQueuedPerSubscriber?: number;
  /**
   * Called when a handler throws or rejects, and when an event is dropped from a full queue. It must not
   * throw; if it does, the error goes to `console.error` and delivery carries on.
   * @default reports to `console.error`
   */
  readonly onError?: (error: unknown, context: SubscriberErrorContext) => void;
}

/** Options of {@link EventPublisher.subscribe}. */
export interface SubscribeOptions {
  /** Shown in error reports. @default `subscriber-<n>` */
  readonly name?: string;
}

/** A handler; the next event is delivered only once the returned promise (if any) has settled. */
export type EventHandler<K extends EventKind = EventKind> = (event: EventOf<K>) => void | PromiseLike<void>;

/** Returned by `subscribe`. */
export interface Subscription {
  /** Stops delivery and drops the queued events. Idempotent. A handler already running is not cancelled. */
  unsubscribe(): void;
}

/** The in-process notifier that runs side effects (webhooks, …) for published events. */
export interface EventPublisher {
  /**
   * Registers `handler` for the given kinds (an empty list receives nothing; an audit-only name such as
   * `secrets_rotated` is accepted and receives nothing).
   * @throws {UnknownEventKindError} for an unknown kind; {@link PublisherClosedError} after `close()`.
   */
  subscribe<K extends EventKindName>(
    kinds: readonly K[],
    handler: EventHandler<Extract<K, EventKind>>,
    options?: SubscribeOptions,
  ): Subscription;
  /** Queues the event for every subscriber of its kind. Never throws, never waits. No-op after `close()`. */
  publish(event: IronflowEvent): void;
  /** `publish` for each event, in order. */
  publishAll(events: Iterable<IronflowEvent>): void;
  /** Resolves once every subscriber's queue is empty and no handler is running. */
  idle(): Promise<void>;
  /** Stops accepting events and subscribers; queued events are still delivered (await `idle()`). */
  close(): void;
}

interface Subscriber {
  readonly info: SubscriberInfo;
  readonly handler: (event: IronflowEvent) => void | PromiseLike<void>;
  readonly queue: FifoQueue<IronflowEvent>;
  subscribed: boolean;
  /** Queued events or a handler in flight: counted by `idle()`. */
  busy: boolean;
}

const reportToConsole = (error: unknown, context: SubscriberErrorContext): void => {
  console.error(
    `@ironflow/engine: subscriber "${context.subscriber.name}" failed on ${context.event.type}`,
    error,
  );
};

/**
 * In-process only: creates the notifier that hands events to side-effect subscribers (webhooks, …)
 * inside the calling program. It sends nothing to an ironflow server; to publish events to a server, use
 * `createIngestClient` from `@ironflow/client`.
 *
 * Each subscriber has its own queue and receives its events in publish order,
 * one at a time; a slow, failing or stuck subscriber never delays another subscriber or the publisher.
 * `publish` costs O(subscribers of that kind): subscribers are indexed by kind.
 *
 * @example
 * const publisher = createInProcessNotifier({ onError: (error, { subscriber }) => log.warn({ error, subscriber }) });
 * publisher.subscribe(['run_status_changed', 'step_failed'], async (event) => {
 *   await postWebhook(serializeEvent(event));
 * }, { name: 'webhook' });
 * publisher.publish(event);
 * // on shutdown:
 * publisher.close();
 * await publisher.idle();
 */
export function createInProcessNotifier(options: EventPublisherOptions = {}): EventPublisher {
  const maxQueued = options.maxQueuedPerSubscriber ?? 10_000;
  if (!Number.isSafeInteger(maxQueued) || maxQueued < 1) {
    throw new InvalidOptionError(
      `maxQueuedPerSubscriber must be an integer >= 1 (got ${String(maxQueued)}); omit it for the default 10000`,
    );
  }
  const onError = options.onError ?? reportToConsole;

  const byKind = new Map<EventKindName, Set<Subscriber>>();
  let busyCount = 0;
  let idleWaiters: (() => void)[] = [];
  let closed = false;
  let created = 0;

  function report(error: unknown, event: IronflowEvent, subscriber: Subscriber): void {
    const context = { event, subscriber: subscriber.info };
    try {
      onError(error, context);
    } catch (reportError) {
      // Nowhere else to send it; throwing would break the subscriber's queue or the publisher.
      reportToConsole(
        new AggregateError([error, reportError], 'onError threw while reporting an error'),
        context,
      );
    }
  }

  function settle(subscriber: Subscriber): void {
    if (!subscriber.busy) return;
    subscriber.busy = false;
    busyCount -= 1;
    if (busyCount === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  async function drain(subscriber: Subscriber): Promise<void> {
    while (subscriber.subscribed) {
      const event = subscriber.queue.shift();
      if (event === undefined) break;
      try {
        await subscriber.handler(event);
      } catch (error) {
        report(error, event, subscriber);
      }
    }
    settle(subscriber);
  }

  function enqueue(subscriber: Subscriber, event: IronflowEvent): void {
    subscriber.queue.push(event);
    if (subscriber.queue.size > maxQueued) {
      const dropped = subscriber.queue.shift() as IronflowEvent;
      report(
        new SubscriberQueueOverflowError(subscriber.info.name, maxQueued, dropped.type),
        dropped,
        subscriber,
      );
    }
    if (!subscriber.busy) {
      subscriber.busy = true;
      busyCount += 1;
      // Handlers start after the publisher's synchronous code, never inside `publish`.
      queueMicrotask(() => void drain(subscriber));
    }
  }

  function publish(event: IronflowEvent): void {
    // Untyped callers may pass anything; `publish` never throws, so a non-object is ignored.
    if (closed || typeof event !== 'object' || event === null) return;
    const subscribers = byKind.get(event.type);
    if (subscribers === undefined) return;
    for (const subscriber of subscribers) enqueue(subscriber, event);
  }

  return {
    subscribe(kinds, handler, subscribeOptions = {}) {
      if (closed) throw new PublisherClosedError();
      if (typeof handler !== 'function')
        throw new InvalidOptionError('subscribe(kinds, handler): handler must be a function');
      const unique = [...new Set<EventKindName>(kinds)];
      for (const kind of unique)
        if (!isEventKindName(kind)) throw new UnknownEventKindError(String(kind), EVENT_KIND_NAMES);
      created += 1;
      const subscriber: Subscriber = {
        info: Object.freeze({
          name: subscribeOptions.name ?? `subscriber-${created}`,
          kinds: Object.freeze(unique),
        }),
        handler: handler as Subscriber['handler'],
        queue: new FifoQueue(),
        subscribed: true,
        busy: false,
      };
      for (const kind of unique) {
        const subscribers = byKind.get(kind);
        if (subscribers === undefined) byKind.set(kind, new Set([subscriber]));
        else subscribers.add(subscriber);
      }
      return {
        unsubscribe() {
          if (!subscriber.subscribed) return;
          subscriber.subscribed = false;
          for (const kind of unique) {
            const subscribers = byKind.get(kind);
            subscribers?.delete(subscriber);
            if (subscribers?.size === 0) byKind.delete(kind);
          }
          subscriber.queue.clear();
          // `idle()` no longer waits for this subscriber, even if its last handler never settles.
          settle(subscriber);
        },
      };
    },
    publish,
    publishAll(events) {
      for (const event of events) publish(event);
    },
    idle() {
      return busyCount === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    close() {
      closed = true;
    },
  };
}

/**
 * @deprecated Renamed {@link createInProcessNotifier}: the old name read like "publish to the server".
 * The same function; it stays for compatibility and goes in the next major version.
 */
export const createEventPublisher = createInProcessNotifier;
