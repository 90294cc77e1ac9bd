import type { Middleware } from 'koa';
import { isApiKey } from './api-key.js';
import type { ApiKeyScope, ApiKeyVerifier } from './api-key-verifier.js';
import { assertSecret } from './assert-secret.js';
import { type AuthState, credentialOfKey } from './auth-state.js';
import { InvalidTokenError, MissingTokenError } from './errors.js';
import { readAccessToken } from './read-access-token.js';
import { readBearerToken } from './read-bearer-token.js';
import { createTokenService } from './token-service.js';

/** Options of {@link createAuthMiddleware}. */
export interface AuthMiddlewareOptions {
  /** HMAC key the access tokens are signed with (`JWT_SECRET`); must be non-empty. */
  readonly secret: string;
  /**
   * Also accept `Authorization: Bearer irfl_…` API keys that have `scope`. Without it, or for a
   * key without the scope, a key is `INVALID_TOKEN`.
   */
  readonly apiKeys?: { readonly verifier: ApiKeyVerifier; readonly scope: ApiKeyScope };
}

/**
 * Creates the Koa middleware that authenticates a request. `Authorization: Bearer irfl_…` takes
 * the API-key path, even when a cookie is present (only with `apiKeys`; the key must have the
 * scope). Otherwise the access token: the `ironflow_token` cookie when present, else
 * `Authorization: Bearer <token>`, never the query string. The token must be HS256 with the
 * secret, unexpired, with `exp`, every claim and `typ: access`. The user goes on
 * `ctx.state.user` (for a token, its claims), the credential on `ctx.state.credential`.
 *
 * Failures are thrown, not rendered: `MissingTokenError` (no token) or `InvalidTokenError` (any
 * bad token, including a bad cookie next to a good header), each with `status` 401, `code`,
 * `expose: true` and docs/PROTOCOL.md message, for the app's error middleware to render.
 *
 * The token is checked by the token service's `verify`, synchronously: no promise chain per
 * request (koa-jwt's secret resolution cost more than the HMAC on every stream open).
 *
 * @example
 * ```ts
 * const app = new Koa();
 * app.use(errorMiddleware); // renders { error: { code, message } }
 * app.use(createAuthMiddleware({ secret: process.env.JWT_SECRET! }));
 * app.use((ctx) => { ctx.body = { data: ctx.state.user.username, meta: null }; });
 * ```
 */
export function createAuthMiddleware(options: AuthMiddlewareOptions): Middleware<AuthState> {
  const { secret, apiKeys } = options;
  assertSecret(
    secret,
    'createAuthMiddleware: secret',
    'pass JWT_SECRET, the secret the tokens are signed with',
  );

  const tokens = createTokenService({ secret });

  return async function authenticate(ctx, next) {
    const bearer = readBearerToken(ctx.get('Authorization'));
    if (bearer !== undefined && isApiKey(bearer)) {
      if (apiKeys === undefined) {
        throw new InvalidTokenError({ cause: new Error('API keys are not accepted on this route') });
      }
      const principal = await apiKeys.verifier.verify(bearer, apiKeys.scope);
      ctx.state.user = {
        sub: principal.userId,
        user_id: principal.userId,
        username: principal.username,
        is_admin: principal.isAdmin,
      };
      ctx.state.credential = credentialOfKey(principal);
      return next();
    }
    // Only the configured secret verifies tokens: a `ctx.state.secret` set by other code (which
    // koa-jwt, used here before, would have verified with) is a bug, refused rather than ignored.
    if ((ctx.state as { secret?: unknown }).secret !== undefined) {
      throw new Error(
        'createAuthMiddleware: ctx.state.secret is set; only the configured secret verifies tokens',
      );
    }
    const token = readAccessToken(ctx);
    if (!token) throw new MissingTokenError();
    const claims = tokens.verify(token, 'access');
    ctx.state.user = claims;
    ctx.state.credential = { kind: 'token', id: `user:${claims.user_id}`, expiresAtMs: claims.exp * 1000 };
    await next();
  };
}
