import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { validationFailed } from '../errors.js';
import { readIdempotencyKey } from '../http/idempotency-key.js';
import { readBodyBytes } from '../http/read-body-bytes.js';
import { checkJsonType, parseJsonBytes } from '../http/read-json-body.js';
import { routeAhead } from '../http/route-ahead.js';
import type { EventSink } from './event-sink.js';
import { type IngestOnceDeps, ingestOnce } from './ingest-once.js';

export const MAX_BATCH_EVENTS = 1000;
export const MAX_INGEST_BODY_BYTES = 2 * 1024 * 1024;

const PATH = '/api/v1/internal/events';

/**
 * `POST /api/v1/internal/events`: one event or a batch of 1 to 1000, stored all-or-nothing and
 * at most once per `Idempotency-Key`; validation (with per-item details) happens in `EventLog.append`.
 *
 * Returns the same route (guards included) as a middleware for the path exactly as written, to
 * mount ahead of the router ({@link routeAhead}): producers post here on every append.
 */
export function mountIngestEvents(
  router: Router,
  append: EventSink,
  once: IngestOnceDeps,
  guards: readonly Middleware[],
): Middleware {
  const ingest: Middleware = async (ctx) => {
    const key = readIdempotencyKey(ctx);
    checkJsonType(ctx);
    const bytes = await readBodyBytes(ctx, MAX_INGEST_BODY_BYTES);
    const body = parseJsonBytes(bytes);
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0 || items.length > MAX_BATCH_EVENTS) {
      throw validationFailed(`a batch holds 1 to ${MAX_BATCH_EVENTS} events, got ${items.length}`);
    }
    await ingestOnce(ctx, once, { key, target: 'events', body: bytes }, (options) => append(items, options));
  };
  const chain = [...guards, ingest];
  router.post(PATH, ...chain);
  return routeAhead(['POST'], PATH, chain);
}
