import type Router from '@koa/router';

/** `GET /api/v1/health-check`: the process is up and serving. */
export function mountHealth(router: Router): void {
  router.get('/api/v1/health-check', (ctx) => {
    ctx.body = { data: { status: 'ok' }, meta: null };
  });
}
