import type { ApiKeyPrincipal } from './api-key-verifier.js';

/** The user a request acts for, whichever credential it carried. */
export interface AuthUser {
  /** The user's UUID (same as `user_id`). */
  readonly sub: string;
  readonly user_id: string;
  readonly username: string;
  /** From the token's claims, or for an API key read live from the user store. */
  readonly is_admin: boolean;
}

/**
 * The credential a request carried. `id` is stable for the credential's life and names it in
 * logs, idempotency scopes and the streams it opened: `user:<uuid>` (an access token),
 * `api_key:<uuid>`, `worker` (`WORKER_TOKEN`).
 */
export interface Credential {
  readonly kind: 'token' | 'api_key' | 'worker';
  readonly id: string;
  /** When it stops being valid, epoch milliseconds (`Infinity`: never); streams end then. */
  readonly expiresAtMs: number;
}

/** Koa state after {@link createAuthMiddleware} let a request through. */
export interface AuthState {
  user: AuthUser;
  credential: Credential;
}

/** The credential identity of an API key, as streams and idempotency keys are scoped by. */
export const apiKeyCredentialId = (keyId: string): string => `api_key:${keyId}`;

/** The credential of a verified API key. */
export function credentialOfKey(principal: ApiKeyPrincipal): Credential {
  return { kind: 'api_key', id: apiKeyCredentialId(principal.keyId), expiresAtMs: principal.expiresAtMs };
}

/** The credential of `WORKER_TOKEN`. */
export const WORKER_CREDENTIAL: Credential = Object.freeze({
  kind: 'worker',
  id: 'worker',
  expiresAtMs: Number.POSITIVE_INFINITY,
});
