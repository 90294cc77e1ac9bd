import type { Middleware } from 'koa';
import { serviceUnavailable } from '../errors.js';

/** Lets shutdown finish the requests in flight and refuse new ones. */
export interface Drain {
  readonly middleware: Middleware;
  /**
   * From now on answers new requests `503` with `Connection: close`, and resolves once the
   * requests in flight have finished (or after `graceMs`). A stream counts only while it opens.
   */
  close(): Promise<void>;
}

/**
 * Shutdown must not acknowledge an event after the streams that should carry it have ended:
 * ingests in flight finish first (their events reach open streams), then the streams end.
 */
export function createDrain(graceMs = 5_000): Drain {
  let draining = false;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  return {
    async middleware(ctx, next) {
      if (draining) {
        ctx.set('Connection', 'close');
        throw serviceUnavailable('server is shutting down');
      }
      inFlight++;
      try {
        await next();
      } finally {
        inFlight--;
        if (inFlight === 0) onIdle?.();
      }
    },
    close() {
      draining = true;
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        timer.unref();
        onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}
