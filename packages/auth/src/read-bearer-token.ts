/**
 * The credential of an `Authorization: Bearer <token>` header, or `undefined` when the header is
 * absent, uses another scheme, or has an empty credential. The scheme is case-insensitive
 * (RFC 7235). Plain string work, no regex, so a hostile header costs linear time.
 */
export function readBearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = header.slice(space + 1).trim();
  return token === '' ? undefined : token;
}
