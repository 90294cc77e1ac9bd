// Tokens: minting and verifying HS256 access and refresh tokens.
export { createTokenService, type TokenService, type TokenServiceOptions } from './token-service.js';
export type { AccessClaims, RefreshClaims, TokenClaims, TokenSubject, TokenType } from './token-claims.js';

// Koa middleware: users by access token, workers by WORKER_TOKEN.
export { type AuthMiddlewareOptions, type AuthState, createAuthMiddleware } from './auth-middleware.js';
export { createWorkerAuthMiddleware } from './worker-auth-middleware.js';
export { readAccessToken } from './read-access-token.js';
export { ACCESS_TOKEN_COOKIE, REFRESH_TOKEN_COOKIE } from './cookie-names.js';

// Passwords: scrypt hashing.
export { hashPassword, passwordNeedsRehash, verifyPassword } from './password.js';

// Errors.
export {
  AuthError,
  InvalidPasswordHashError,
  InvalidTokenError,
  InvalidWorkerTokenError,
  MissingTokenError,
} from './errors.js';
