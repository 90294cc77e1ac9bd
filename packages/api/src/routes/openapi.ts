import type Router from '@koa/router';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';

/** `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of every REST route. Public (no data). */
export function mountOpenApi(router: Router): void {
  router.get('/api/v1/openapi.json', (ctx) => {
    ctx.body = buildOpenApiDocument();
  });
}
