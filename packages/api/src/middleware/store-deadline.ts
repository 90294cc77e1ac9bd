import type { Middleware } from 'koa';
import { unavailableFor } from '../errors.js';

/**
 * Bounds the time a request may spend once it has been received: past `deadlineMs` it is
 * answered `503 SERVICE_UNAVAILABLE` with `Retry-After`, however many store statements it is
 * still waiting on (each bounded by the store's own timeout, but a request may make several).
 * The clock starts when the body has been read, so a slow upload is bounded by the server's
 * request timeout instead. The late work runs to its end unobserved; its failure is dropped.
 *
 * A stream counts only while it opens: the hub owns it once the route returns.
 */
export function storeDeadline(deadlineMs: number): Middleware {
  return async (ctx, next) => {
    const work = next();
    let timer: NodeJS.Timeout | undefined;
    let arm: (() => void) | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      arm = () => {
        timer = setTimeout(() => resolve('expired'), deadlineMs);
      };
      // A bodiless request may not be `complete` yet when it reaches here, and its 'end' comes
      // only if someone reads it: it starts at once.
      const { headers } = ctx.req;
      const hasBody =
        headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
      if (ctx.req.complete || !hasBody) arm();
      else ctx.req.once('end', arm);
    });
    try {
      const outcome = await Promise.race([work, expired]);
      if (outcome !== 'expired') return;
    } finally {
      clearTimeout(timer);
      if (arm) ctx.req.off('end', arm);
    }
    work.catch(() => {});
    throw unavailableFor(`the store did not answer within ${deadlineMs} ms; retry shortly`, 1);
  };
}
