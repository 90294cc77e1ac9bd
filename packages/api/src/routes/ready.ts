import type { EventLog } from '@ironflow/store';
import type Router from '@koa/router';
import { unavailableFor } from '../errors.js';

/**
 * `GET /api/v1/ready` (readiness, for load balancers): `200` while the store answers and the
 * log's tail follows, else `503` naming what is wrong. `/api/v1/health-check` stays liveness.
 */
export function mountReady(router: Router, log: EventLog): void {
  router.get('/api/v1/ready', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const tail = log.tailStatus();
    if (!tail.following) {
      const since = new Date(tail.sinceMs).toISOString();
      throw unavailableFor(
        `not ready: the event log tail does not follow since ${since} (${tail.reason ?? 'unknown'})`,
        1,
      );
    }
    try {
      await log.ping();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw unavailableFor(`not ready: the store does not answer (${why})`, 1);
    }
    ctx.body = { data: { status: 'ready' }, meta: null };
  });
}
