import type { Middleware } from 'koa';
import compose from 'koa-compose';

/**
 * A hot route's chain as a middleware that serves its path exactly as written, to mount ahead of
 * the router: for every request the router tests each route's pattern and composes the matched
 * chain, which a stream open or an ingest post should not pay. The caller registers the same
 * chain on the router too, so any other spelling the router accepts (a trailing slash, another
 * case) and its `405` for other methods still go through it.
 */
export function routeAhead(
  methods: readonly string[],
  path: string,
  chain: readonly Middleware[],
): Middleware {
  const run = compose([...chain]);
  return (ctx, next) => (ctx.path === path && methods.includes(ctx.method) ? run(ctx, next) : next());
}
