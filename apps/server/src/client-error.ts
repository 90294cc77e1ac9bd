import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { SECURITY_HEADERS } from '@ironflow/api';

/**
 * Answers requests Node's parser refuses before the app sees them (headers over 16 KiB,
 * malformed request lines, header timeouts) in the SPEC's error envelope, with the security
 * headers, instead of Node's bare status line. Attach with `server.on('clientError', …)`.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, code, message] = describe(error.code);
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

function describe(code: string | undefined): [number, string, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'HEADERS_TOO_LARGE', 'request headers are too large'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return [408, 'REQUEST_TIMEOUT', 'the request took too long to arrive'];
  return [400, 'BAD_REQUEST', 'malformed HTTP request'];
}
