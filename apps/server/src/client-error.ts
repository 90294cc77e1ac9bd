import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { SECURITY_HEADERS } from '@ironflow/api';

/**
 * Answers requests Node's parser refuses before the app sees them (headers over 16 KiB,
 * malformed request lines, bad framing such as both `Content-Length` and `Transfer-Encoding`,
 * header timeouts) in docs/PROTOCOL.md's error envelope, with the security headers, instead of Node's
 * bare status line. Attach with `server.on('clientError', …)`.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Nothing can be answered on a reset connection, nor after a response has begun on it.
  if (!socket.writable || error.code === 'ECONNRESET' || responseStarted(socket)) {
    socket.destroy();
    return;
  }
  const [status, code, message] = describe(error.code);
  answerRaw(socket, status, code, message);
}

/**
 * Answers a `CONNECT` request (Node hands it to the 'connect' event, never to the app): no route
 * of this server tunnels, so it is `501` like any method no route knows (docs/PROTOCOL.md §7).
 */
export function answerConnect(_req: unknown, socket: Duplex): void {
  answerRaw(socket, 501, 'NOT_IMPLEMENTED', 'method not implemented');
}

// How long a refused client may take to read the answer and close before its socket is destroyed.
const RELEASE_GRACE_MS = 2_000;

/**
 * Writes one complete HTTP/1.1 error response in the envelope and closes the connection. The
 * socket is destroyed after a grace whatever the client does: a CONNECT's socket is no longer
 * the HTTP server's, so a client that kept its half open would hold `server.close()` forever.
 */
function answerRaw(socket: Duplex, status: number, code: string, message: string): void {
  const release = setTimeout(() => socket.destroy(), RELEASE_GRACE_MS);
  release.unref();
  socket.once('close', () => clearTimeout(release));
  const body = JSON.stringify({ error: { code, message } });
  const headers = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      headers.join('') +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Node's HTTP server keeps the response in progress on the socket as `_httpMessage`. */
function responseStarted(socket: Duplex): boolean {
  return (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent === true;
}

function describe(code: string | undefined): [number, string, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'HEADERS_TOO_LARGE', 'request headers are too large'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return [408, 'REQUEST_TIMEOUT', 'the request took too long to arrive'];
  return [400, 'BAD_REQUEST', 'malformed HTTP request'];
}
