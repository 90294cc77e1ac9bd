import type { Middleware } from 'koa';
import { badRequest } from '../errors.js';

/**
 * Refuses an HTTP/1.1 request without `Host` (RFC 9112 §3.2) with docs/PROTOCOL.md's `400` envelope.
 * Node's own check answers a bare `400` with no body and no security headers, so the server turns
 * it off (`requireHostHeader: false`) and the app refuses here instead. HTTP/1.0 may omit the
 * header; HTTP/2 carries `:authority`.
 */
export function requireHost(): Middleware {
  return async (ctx, next) => {
    const { req } = ctx;
    if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
      throw badRequest('missing Host header');
    }
    await next();
  };
}
