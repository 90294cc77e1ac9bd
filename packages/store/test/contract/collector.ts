import type { EventLog, StoredEvent } from '@ironflow/store';

/** Subscribes to a log and records what its tail delivers; `until` waits without sleeping. */
export function collect(log: EventLog) {
  const batches: (readonly StoredEvent[])[] = [];
  let received = 0;
  let waiters: { count: number; resolve: () => void }[] = [];
  const unsubscribe = log.subscribe((batch) => {
    batches.push(batch);
    received += batch.length;
    waiters = waiters.filter((waiter) => {
      if (received < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  });
  return {
    batches,
    unsubscribe,
    seqs: () => batches.flat().map((stored) => stored.seq),
    /** Resolves once at least `count` events were delivered in total. */
    until(count: number): Promise<void> {
      if (received >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
}
