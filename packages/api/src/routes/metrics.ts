import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics.js';

/**
 * `GET /metrics`: Prometheus text. `guard` (the worker-token check) is passed in production;
 * in development the endpoint is open (docs/PROTOCOL.md §5).
 */
export function mountMetrics(router: Router, metrics: PrometheusMetrics, guard: Middleware | null): void {
  const scrape: Middleware = async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
  if (guard) router.get('/metrics', guard, scrape);
  else router.get('/metrics', scrape);
}

/** Counts every refused ingest request by its error code, then lets the error through. */
export function countIngestRejections(metrics: PrometheusMetrics): Middleware {
  return async (_ctx, next) => {
    try {
      await next();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      metrics.ingestRejected(typeof code === 'string' ? code : 'INTERNAL_ERROR');
      throw error;
    }
  };
}
