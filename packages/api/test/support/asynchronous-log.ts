import type { EventLog } from '@ironflow/store';

/**
 * The memory log answers reads at once and tells its tail synchronously, so appends can never
 * land inside a replay's seam. A database-backed log does both asynchronously; this wrapper
 * delays read results and tail batches by a few event-loop turns (keeping their order), so
 * appends land between a replay's read and its switch to live, and reads see events the hub
 * has not been told of yet — as with PostgreSQL.
 */
export function withAsynchronousLog(log: EventLog, delayTail: boolean): EventLog {
  let turn = 0;
  const later = () => new Promise((resolve) => setTimeout(resolve, 1 + (turn++ % 3)));
  const delayed =
    <A, R>(read: (argument: A) => Promise<R>) =>
    async (argument: A): Promise<R> => {
      const result = await read(argument);
      await later();
      return result;
    };
  return {
    get epoch() {
      return log.epoch;
    },
    append: (inputs) => log.append(inputs),
    bounds: () => log.bounds(),
    tailStatus: () => log.tailStatus(),
    ping: () => log.ping(),
    prune: () => log.prune(),
    close: () => log.close(),
    read: delayed((options) => log.read(options)),
    readBefore: delayed((options) => log.readBefore(options)),
    readLogLines: delayed((query) => log.readLogLines(query)),
    readPage: delayed((query) => log.readPage(query)),
    subscribe(listener) {
      if (!delayTail) return log.subscribe(listener);
      let delivered = Promise.resolve();
      return log.subscribe((batch) => {
        delivered = delivered.then(later).then(() => listener(batch));
      });
    },
  };
}
