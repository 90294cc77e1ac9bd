import type { ServerResponse } from 'node:http';

const STREAM_HEADERS =
  'Content-Type: text/event-stream\r\n' +
  'Cache-Control: no-cache\r\n' +
  'X-Accel-Buffering: no\r\n' +
  'Connection: close\r\n';

/**
 * Takes the head of `res` for a stream the hub writes straight to the socket, and returns it as
 * one buffer: the headers the middleware set (security headers, request id, CORS) plus the
 * stream's own. The body is delimited by the end of the connection (`Connection: close`, no
 * chunked framing), so each later write is the frames alone: one socket write per stream per
 * batch, with no chunk header and no pass through the response's stream machinery. Taking the
 * headers off `res` also frees what Node would keep of them for the stream's whole life.
 */
export function takeStreamHead(res: ServerResponse): Buffer {
  let head = 'HTTP/1.1 200 OK\r\n';
  for (const name of res.getHeaderNames()) {
    const value = res.getHeader(name);
    const written = titleCase(name);
    for (const item of Array.isArray(value) ? value : [value]) head += `${written}: ${item}\r\n`;
    res.removeHeader(name);
  }
  head += `${STREAM_HEADERS}Date: ${new Date().toUTCString()}\r\n\r\n`;
  return Buffer.from(head, 'latin1');
}

/** `x-request-id` → `X-Request-Id`: Node hands the names back in lowercase. */
function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}
