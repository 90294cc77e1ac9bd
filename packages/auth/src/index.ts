// Tokens: minting and verifying HS256 access and refresh tokens.

// Koa middleware: users by access token, workers by WORKER_TOKEN.
export { type AuthMiddlewareOptions, type AuthState, createAuthMiddleware } from './auth-middleware.js';
export { ACCESS_TOKEN_COOKIE, REFRESH_TOKEN_COOKIE } from './cookie-names.js';
// Errors.
export {
  AuthError,
  InvalidPasswordHashError,
  InvalidTokenError,
  InvalidWorkerTokenError,
  MissingTokenError,
} from './errors.js';
// Passwords: scrypt hashing.
export { hashPassword, passwordNeedsRehash, verifyPassword } from './password.js';
export type { AccessClaims, RefreshClaims, TokenClaims, TokenSubject, TokenType } from './token-claims.js';
export { createTokenService, type TokenService, type TokenServiceOptions } from './token-service.js';
export { createWorkerAuthMiddleware } from './worker-auth-middleware.js';
