import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { AppLogger } from '../logger.js';

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One structured line per request with a request id (the caller's `X-Request-Id` when it is
 * safe to echo, else a new UUID). Streams log their close separately, with duration and count.
 */
export function requestLog(logger: AppLogger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    const given = ctx.get('x-request-id');
    const requestId = SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      logger.info(
        {
          reqId: requestId,
          ip: ctx.ip,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'request',
      );
    }
  };
}
