// HMAC-SHA256 with WebCrypto (`crypto.subtle`), present in Node 20 and in browsers: no `node:crypto`.

const encoder = new TextEncoder();
const PREFIX = 'sha256=';

const toBytes = (body: string | Uint8Array): Uint8Array<ArrayBuffer> =>
  typeof body === 'string' ? encoder.encode(body) : new Uint8Array(body);

function toHex(bytes: ArrayBuffer): string {
  let hex = '';
  for (const byte of new Uint8Array(bytes)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * Imports `secret` once as an HMAC-SHA256 key, for signing many bodies.
 *
 * @example
 * const key = await importWebhookKey('s3cret');
 */
export function importWebhookKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}

/**
 * The `X-Signature-256` value of a body: `sha256=` and the lowercase hex HMAC-SHA256 of its bytes.
 *
 * @example
 * await signWebhookBody('{"type":"run_created",…}', 's3cret'); // 'sha256=5d0c…'
 */
export async function signWebhookBody(
  body: string | Uint8Array,
  secret: string | CryptoKey,
): Promise<string> {
  const key = typeof secret === 'string' ? await importWebhookKey(secret) : secret;
  return PREFIX + toHex(await crypto.subtle.sign('HMAC', key, toBytes(body)));
}

/**
 * For a webhook receiver: whether `header` (the request's `X-Signature-256`) is the signature of `body`
 * (the raw request bytes, before any JSON parsing) with `secret`. The comparison takes the same time
 * wherever the first difference is, so it leaks nothing about the expected signature. A missing or
 * malformed header is `false`; it never throws for bad input.
 *
 * @example
 * const ok = await verifyWebhookSignature(rawBody, request.headers.get('x-signature-256'), webhookSecret);
 * if (!ok) return new Response('bad signature', { status: 401 });
 */
export async function verifyWebhookSignature(
  body: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
): Promise<boolean> {
  if (typeof header !== 'string') return false;
  const expected = await signWebhookBody(body, secret);
  // Header names and hex digits are case-insensitive; the length (always 71) is public.
  const given = header.trim().toLowerCase();
  if (given.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i += 1) difference |= given.charCodeAt(i) ^ expected.charCodeAt(i);
  return difference === 0;
}
