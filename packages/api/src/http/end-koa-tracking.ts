import type { ServerResponse } from 'node:http';

/**
 * Ends Koa's tracking of a response that the hub now writes itself. Koa hands an error callback
 * to on-finished, which keeps it (and through it Koa's whole per-request context: request,
 * response, state, cookies, parsed query), together with its own listeners on the response and
 * the socket, until the response finishes: for an SSE stream, its entire life, ≈3.4 KiB a
 * stream. on-finished counts an `end` event as finished for any message it watches; Node never
 * emits `end` on a response, so emitting it reaches on-finished alone: it removes its listeners
 * and runs Koa's callback without an error, which does nothing. The stream tests check that
 * Koa's context is collected while the stream stays open.
 */
export function endKoaTracking(res: ServerResponse): void {
  res.emit('end');
}
