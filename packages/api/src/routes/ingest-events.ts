import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { validationFailed } from '../errors.js';
import { readJsonBody } from '../http/read-json-body.js';
import type { EventSink } from './event-sink.js';

export const MAX_BATCH_EVENTS = 1000;
export const MAX_INGEST_BODY_BYTES = 2 * 1024 * 1024;

/**
 * `POST /api/v1/internal/events`: one event or a batch of 1 to 1000, stored all-or-nothing;
 * validation (with per-item details) happens in `EventLog.append`.
 */
export function mountIngestEvents(router: Router, append: EventSink, guards: readonly Middleware[]): void {
  router.post('/api/v1/internal/events', ...guards, async (ctx) => {
    const body = await readJsonBody(ctx, MAX_INGEST_BODY_BYTES);
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0 || items.length > MAX_BATCH_EVENTS) {
      throw validationFailed(`a batch holds 1 to ${MAX_BATCH_EVENTS} events, got ${items.length}`);
    }
    const stored = await append(items);
    ctx.status = 202;
    ctx.body = {
      data: {
        accepted: stored.length,
        first_id: stored[0]?.cursor ?? null,
        last_id: stored[stored.length - 1]?.cursor ?? null,
      },
      meta: null,
    };
  });
}
