import type { EventLogListener, StoredEvent } from '../event-log.js';

/** Receives what a tail listener threw, with the batch it was given. */
export type ListenerErrorHandler = (error: unknown, batch: readonly StoredEvent[]) => void;

/** The subscriber list of the memory log: delivers each appended batch to every listener. */
export interface Tail {
  /** Adds a listener that receives batches starting at `fromSeq` or later. */
  subscribe(listener: EventLogListener, fromSeq: number): () => void;
  /** Hands `batch` (non-empty, seq order) to every listener, synchronously. */
  deliver(batch: readonly StoredEvent[]): void;
  /** Drops every listener; nothing is delivered afterwards. */
  close(): void;
}

interface Subscription {
  readonly listener: EventLogListener;
  readonly fromSeq: number;
  active: boolean;
}

/** Fallback reporter; used when no handler is given and when the given handler itself throws. */
export const reportToConsole: ListenerErrorHandler = (error) => {
  console.error('@ironflow/store: an event log listener threw', error);
};

/** Creates a {@link Tail}; a throwing listener is reported to `onListenerError` and skipped. */
export function createTail(onListenerError: ListenerErrorHandler): Tail {
  // Copy-on-write: subscribing replaces the array, so a delivery loop never sees it change.
  let subscriptions: readonly Subscription[] = [];
  // A listener that appends during a delivery queues its batch here, so every listener still
  // receives batches in seq order.
  const pending: (readonly StoredEvent[])[] = [];
  let delivering = false;
  let closed = false;

  function notify(listener: EventLogListener, batch: readonly StoredEvent[]): void {
    try {
      listener(batch);
    } catch (error) {
      try {
        onListenerError(error, batch);
      } catch (handlerError) {
        reportToConsole(handlerError, batch);
        reportToConsole(error, batch);
      }
    }
  }

  return {
    subscribe(listener, fromSeq) {
      if (closed) return () => {};
      const subscription: Subscription = { listener, fromSeq, active: true };
      subscriptions = [...subscriptions, subscription];
      return () => {
        if (!subscription.active) return;
        subscription.active = false;
        subscriptions = subscriptions.filter((other) => other !== subscription);
      };
    },
    deliver(batch) {
      if (closed) return;
      pending.push(batch);
      if (delivering) return;
      delivering = true;
      try {
        for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
          const firstSeq = (next[0] as StoredEvent).seq;
          for (const subscription of subscriptions) {
            // `active` is checked per call: an earlier listener may have unsubscribed this one.
            if (subscription.active && firstSeq >= subscription.fromSeq) notify(subscription.listener, next);
          }
        }
      } finally {
        delivering = false;
      }
    },
    close() {
      closed = true;
      for (const subscription of subscriptions) subscription.active = false;
      subscriptions = [];
      pending.length = 0;
    },
  };
}
