import { type IncomingHttpHeaders, IncomingMessage } from 'node:http';

const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie']);

/**
 * Removes the credentials from a request that stays open for a stream's whole life (hours, for a
 * dashboard): once authentication has read the access token, neither it nor the refresh token in
 * the cookies is needed, and a long-lived request should not keep them in memory. It also frees
 * the largest strings a stream would otherwise hold (≈0.4–0.8 KiB).
 *
 * An HTTP/1.1 request gets a new headers object without them rather than a `delete`: deleting a
 * property turns the object into a dictionary (≈0.25 KiB more, for the stream's whole life).
 */
export function forgetCredentials(req: IncomingMessage): void {
  if (req instanceof IncomingMessage) {
    const kept: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!CREDENTIAL_HEADERS.has(name)) kept[name] = value;
    }
    req.headers = kept;
  } else {
    // An HTTP/2 compatibility request (typed as one by Koa) cannot have its `headers` replaced.
    const headers = (req as IncomingMessage).headers;
    for (const name of CREDENTIAL_HEADERS) delete headers[name];
  }
  const raw = req.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    if (CREDENTIAL_HEADERS.has((raw[index] as string).toLowerCase())) raw[index + 1] = '';
  }
}
