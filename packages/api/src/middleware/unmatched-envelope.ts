import type { Middleware } from 'koa';
import { methodNotAllowed, notFound, notImplemented } from '../errors.js';

/**
 * Turns what no route answered into docs/PROTOCOL.md's envelope: Koa's bare `404`, and the router's
 * `405`/`501` (which already set `Allow`).
 */
export function unmatchedEnvelope(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.respond === false || ctx.body !== undefined) return;
    if (ctx.status === 404) throw notFound();
    if (ctx.status === 405) throw methodNotAllowed();
    if (ctx.status === 501) throw notImplemented();
  };
}
