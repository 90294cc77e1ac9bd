import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { isApiKey } from './api-key.js';
import type { ApiKeyVerifier } from './api-key-verifier.js';
import { assertSecret } from './assert-secret.js';
import { credentialOfKey, WORKER_CREDENTIAL } from './auth-state.js';
import { InvalidWorkerTokenError } from './errors.js';
import { readBearerToken } from './read-bearer-token.js';

/** Options of {@link createWorkerAuthMiddleware}. */
export interface WorkerAuthOptions {
  /** Also accept `Bearer irfl_…` API keys with the `events:write` scope (the ingest routes). */
  readonly apiKeys?: ApiKeyVerifier;
}

/**
 * Creates the Koa middleware for the workers' ingest routes: the request must carry
 * `Authorization: Bearer <token>`, else it throws `InvalidWorkerTokenError` (401
 * `INVALID_WORKER_TOKEN`, for the app's error middleware to render). With `apiKeys`, a
 * `Bearer irfl_…` key takes the API-key path instead and needs the `events:write` scope; any
 * failure there is `InvalidTokenError` (401 `INVALID_TOKEN`, docs/PROTOCOL.md §4). Either way the credential
 * goes on `ctx.state.credential` (`worker` or `api_key:<id>`).
 *
 * Both sides are HMAC-ed with a per-process random key before `timingSafeEqual`, so the compare
 * takes the same time whatever the presented token's length or content.
 *
 * @example
 * ```ts
 * router.post('/api/v1/internal/events', createWorkerAuthMiddleware(process.env.WORKER_TOKEN!), ingest);
 * ```
 */
export function createWorkerAuthMiddleware(token: string, options: WorkerAuthOptions = {}): Middleware {
  assertSecret(token, 'createWorkerAuthMiddleware: token', 'pass WORKER_TOKEN');
  const { apiKeys } = options;
  const key = randomBytes(32);
  const digest = (value: string) => createHmac('sha256', key).update(value).digest();
  const expected = digest(token);

  return async function authenticateWorker(ctx, next) {
    const presented = readBearerToken(ctx.get('Authorization'));
    if (apiKeys !== undefined && presented !== undefined && isApiKey(presented)) {
      const principal = await apiKeys.verify(presented, 'events:write');
      ctx.state.credential = credentialOfKey(principal);
      return next();
    }
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      throw new InvalidWorkerTokenError();
    }
    ctx.state.credential = WORKER_CREDENTIAL;
    await next();
  };
}
