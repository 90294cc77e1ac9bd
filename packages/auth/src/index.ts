// Tokens: minting and verifying HS256 access and refresh tokens.
export {
  createTokenService,
  type RefreshSession,
  type TokenService,
  type TokenServiceOptions,
} from './token-service.js';
export type { AccessClaims, RefreshClaims, TokenClaims, TokenSubject, TokenType } from './token-claims.js';

// Koa middleware: users by access token or API key, workers by WORKER_TOKEN or API key.
export { type AuthMiddlewareOptions, createAuthMiddleware } from './auth-middleware.js';
export {
  type AuthState,
  type AuthUser,
  apiKeyCredentialId,
  type Credential,
  WORKER_CREDENTIAL,
} from './auth-state.js';
export { createWorkerAuthMiddleware, type WorkerAuthOptions } from './worker-auth-middleware.js';
export { readAccessToken } from './read-access-token.js';
export { ACCESS_TOKEN_COOKIE, REFRESH_TOKEN_COOKIE } from './cookie-names.js';

// API keys: the irfl_ format and the cached verifier.
export {
  API_KEY_PREFIX,
  apiKeyLookupPrefix,
  type GeneratedApiKey,
  generateApiKey,
  hashApiKey,
  isApiKey,
} from './api-key.js';
export {
  type ApiKeyOwner,
  type ApiKeyPrincipal,
  type ApiKeyRecord,
  type ApiKeyScope,
  type ApiKeyVerifier,
  type ApiKeyVerifierOptions,
  createApiKeyVerifier,
} from './api-key-verifier.js';

// Passwords: scrypt hashing.
export { hashPassword, passwordNeedsRehash, verifyPassword } from './password.js';
export { createPasswordHasher, type PasswordHasher, type PasswordHasherOptions } from './password-hasher.js';

// Errors.
export {
  AuthError,
  InvalidPasswordHashError,
  InvalidTokenError,
  InvalidWorkerTokenError,
  MissingTokenError,
  PasswordHasherBusyError,
} from './errors.js';
