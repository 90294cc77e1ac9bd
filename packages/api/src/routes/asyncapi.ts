import type Router from '@koa/router';
import { buildAsyncApiDocument } from '../asyncapi/asyncapi-document.js';

/**
 * `GET /api/v1/asyncapi.json`: the AsyncAPI 3.0 document of the event stream. Public (it describes
 * the API, no data). The server entry is the host and scheme the request came with, as Koa sees them
 * (behind a proxy, only with `app.proxy` set).
 */
export function mountAsyncApi(router: Router): void {
  router.get('/api/v1/asyncapi.json', (ctx) => {
    ctx.body = buildAsyncApiDocument({
      host: ctx.host || 'localhost',
      protocol: ctx.protocol === 'https' ? 'https' : 'http',
    });
  });
}
