import { type Credential, currentCredential } from './credential.js';
import type { StreamFetch } from './event-source-like.js';

/**
 * Wraps `fetch` so that every request (each connection and each reconnect of the EventSource)
 * carries `Authorization: Bearer <token>`, asking a token function anew each time so a refreshed
 * token is used after the server ends a stream whose token expired. A failing token function is
 * told to `onTokenError`, then fails the request (the EventSource retries it).
 */
export function authorizedFetch(
  token: Credential,
  fetchImpl: StreamFetch,
  onTokenError: (error: unknown) => void,
): StreamFetch {
  return async (url, init) => {
    let value: string;
    try {
      value = await currentCredential(token);
    } catch (error) {
      onTokenError(error);
      throw error;
    }
    return fetchImpl(url, { ...init, headers: { ...init.headers, Authorization: `Bearer ${value}` } });
  };
}
