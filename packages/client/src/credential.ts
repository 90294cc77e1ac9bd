import { InvalidClientOptionError } from './errors.js';

/**
 * What authenticates a request, sent as `Authorization: Bearer <credential>`: an access token, an
 * `irfl_…` API key, the worker token (ingest only), or a function asked for one before every
 * connection or request attempt (so it may refresh a token or rotate a key).
 */
export type Credential = string | (() => string | Promise<string>);

/** Checks a credential option once, when the client is built. */
export function checkCredential(name: string, credential: Credential | undefined): void {
  if (credential === undefined || typeof credential === 'function') return;
  if (typeof credential !== 'string' || credential === '') {
    throw new InvalidClientOptionError(`${name} must be a non-empty string or a function returning one`);
  }
}

/** The credential's current value; a function's answer must be a non-empty string. */
export async function currentCredential(credential: Credential): Promise<string> {
  const value = typeof credential === 'string' ? credential : await credential();
  if (typeof value !== 'string' || value === '') {
    throw new InvalidClientOptionError('the credential function must return a non-empty string');
  }
  return value;
}
