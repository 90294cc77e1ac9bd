import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { assertSecret } from './assert-secret.js';
import { InvalidWorkerTokenError } from './errors.js';
import { readBearerToken } from './read-bearer-token.js';

/**
 * Creates the Koa middleware for the workers' ingest routes: the request must carry
 * `Authorization: Bearer <token>`, else it throws `InvalidWorkerTokenError` (401
 * `INVALID_WORKER_TOKEN`, for the app's error middleware to render).
 *
 * Both sides are HMAC-ed with a per-process random key before `timingSafeEqual`, so the compare
 * takes the same time whatever the presented token's length or content.
 *
 * @example
 * ```ts
 * router.post('/api/v1/internal/events', createWorkerAuthMiddleware(process.env.WORKER_TOKEN!), ingest);
 * ```
 */
export function createWorkerAuthMiddleware(token: string): Middleware {
  assertSecret(token, 'createWorkerAuthMiddleware: token', 'pass WORKER_TOKEN');
  const key = randomBytes(32);
  const digest = (value: string) => createHmac('sha256', key).update(value).digest();
  const expected = digest(token);

  return async function authenticateWorker(ctx, next) {
    const presented = readBearerToken(ctx.get('Authorization'));
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      throw new InvalidWorkerTokenError();
    }
    await next();
  };
}
