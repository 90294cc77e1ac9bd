import type { Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { isApiKey } from './api-key.js';
import type { ApiKeyScope, ApiKeyVerifier } from './api-key-verifier.js';
import { assertSecret } from './assert-secret.js';
import { type AuthState, type Credential, credentialOfKey } from './auth-state.js';
import { InvalidTokenError, MissingTokenError } from './errors.js';
import { hmacKey } from './hmac-key.js';
import { readAccessToken } from './read-access-token.js';
import { readBearerToken } from './read-bearer-token.js';
import { type AccessClaims, checkTokenClaims } from './token-claims.js';

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

/** The parts of `ctx.state` koa-jwt reads or writes besides `user`. */
interface KoaJwtState {
  secret?: unknown;
  jwtOriginalError?: unknown;
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
 * Built on koa-jwt with `passthrough`, so its own 401s (generic message, plain text) never escape.
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

  const jwt = koaJwt({
    // koa-jwt hands the key to jsonwebtoken as is; its types predate KeyObject.
    secret: hmacKey(secret) as unknown as Buffer,
    algorithms: ['HS256'],
    passthrough: true,
    // Runs before koa-jwt's own resolvers and always decides: it returns a token or throws, so
    // koa-jwt never falls back to its header parser (which throws its own 401 on odd headers).
    getToken(ctx) {
      const token = readAccessToken(ctx);
      if (!token) throw new MissingTokenError();
      return token;
    },
    // koa-jwt checks signature, algorithm and an `exp` that is present; this adds `exp` being
    // required, every claim and `typ: access`. A throw here lands in `jwtOriginalError`.
    async isRevoked(_ctx, decoded) {
      checkTokenClaims(decoded, 'access');
      return false;
    },
  });

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
    const state = ctx.state as AuthState & KoaJwtState;
    // koa-jwt prefers `ctx.state.secret` over the configured secret; refuse rather than let other
    // code silently swap the key.
    if (state.secret !== undefined) {
      throw new Error('createAuthMiddleware: ctx.state.secret is set; koa-jwt would verify with it');
    }
    delete state.jwtOriginalError;
    await jwt(ctx, async () => {
      const failure = state.jwtOriginalError;
      if (failure !== undefined) {
        delete state.jwtOriginalError;
        throw new InvalidTokenError({ cause: failure });
      }
      const claims = state.user as AccessClaims;
      state.credential = {
        kind: 'token',
        id: `user:${claims.user_id}`,
        expiresAtMs: claims.exp * 1000,
      } satisfies Credential;
      await next();
    });
  };
}
