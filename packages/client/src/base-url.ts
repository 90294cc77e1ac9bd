import { InvalidClientOptionError } from './errors.js';

/**
 * The server's base URL from what the caller passed: trailing slashes dropped, and the client's own
 * endpoint path (`/api/v1/events` for the stream) understood as "the server this path is on". Any
 * other API path is refused with the base to pass instead, since appending to it could only 404.
 */
export function baseUrlOf(url: string, endpointPath: string): string {
  if (typeof url !== 'string') throw new InvalidClientOptionError("url must be the server's base URL");
  if (/[?#]/.test(url)) {
    throw new InvalidClientOptionError(
      `url must be the server's base URL without a query or fragment, got ${JSON.stringify(url)}`,
    );
  }
  let base = url.replace(/\/+$/, '');
  if (base.endsWith(endpointPath)) base = base.slice(0, -endpointPath.length);
  const api = base.indexOf('/api/v1');
  if (api !== -1 && /^\/api\/v1(\/|$)/.test(base.slice(api))) {
    throw new InvalidClientOptionError(
      `url must be the server's base URL, without an API path: got ${JSON.stringify(url)}, pass ${JSON.stringify(base.slice(0, api))}`,
    );
  }
  return base;
}
