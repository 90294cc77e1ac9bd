import type { ServerResponse } from 'node:http';
import { constants, Http2ServerResponse } from 'node:http2';
import type { StreamSink } from './connection.js';

const STREAM_HEADERS =
  'Content-Type: text/event-stream\r\n' +
  'Cache-Control: no-cache\r\n' +
  'X-Accel-Buffering: no\r\n' +
  'Connection: close\r\n';

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2); Node refuses a response that carries one. */
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Takes over `res` for a stream the hub writes itself: sends the head (the headers the
 * middleware set — security headers, request id, CORS — plus the stream's own) followed by
 * `preamble`, and returns what the frames are written to.
 *
 * HTTP/1.1: the sink is the socket. The head is written by hand, with the body delimited by the
 * end of the connection (`Connection: close`, no chunked framing), so each later write is the
 * frames alone: one socket write per stream per batch, with no chunk header and no pass through
 * the response's stream machinery. HTTP/2: the sink is the `Http2Stream`, answered with
 * `respond()` (no `Connection` header, which HTTP/2 forbids); each frame write becomes DATA
 * frames under the stream's flow control. Either way the headers are taken off `res`, which
 * frees what Node would keep of them for the stream's whole life.
 */
export function openStreamSink(res: ServerResponse | Http2ServerResponse, preamble: Buffer): StreamSink {
  if (res instanceof Http2ServerResponse) {
    const headers: Record<string, string | string[] | number> = {
      [constants.HTTP2_HEADER_STATUS]: 200,
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    };
    for (const name of res.getHeaderNames()) {
      const value = res.getHeader(name);
      res.removeHeader(name);
      if (value === undefined || CONNECTION_SPECIFIC.has(name)) continue;
      headers[name] = typeof value === 'number' ? String(value) : value;
    }
    const stream = res.stream;
    stream.respond(headers);
    stream.write(preamble);
    return stream;
  }
  const socket = res.socket;
  if (socket === null) throw new Error('openStreamSink: the response has no socket');
  socket.setNoDelay(true);
  socket.setTimeout(0);
  socket.write(Buffer.concat([takeHttp1Head(res), preamble]));
  return socket;
}

function takeHttp1Head(res: ServerResponse): Buffer {
  let head = 'HTTP/1.1 200 OK\r\n';
  for (const name of res.getHeaderNames()) {
    const value = res.getHeader(name);
    const written = titleCase(name);
    for (const item of Array.isArray(value) ? value : [value]) head += `${written}: ${item}\r\n`;
    res.removeHeader(name);
  }
  head += `${STREAM_HEADERS}Date: ${new Date().toUTCString()}\r\n\r\n`;
  releaseHeaderMap(res);
  return Buffer.from(head, 'latin1');
}

/** Node's private key of a response's header map, found on the first response that has one. */
let headerMapKey: symbol | null | undefined;

/**
 * Drops the (now empty) map Node kept the headers in. Removing every header leaves that object a
 * dictionary (≈0.25 KiB) which the response, kept by Node's HTTP server until the connection
 * closes, would hold for the stream's whole life; `null` is its state before the first
 * `setHeader`, which Node's code expects. Found by its symbol's name: where a Node version names
 * it otherwise, nothing is dropped.
 */
function releaseHeaderMap(res: ServerResponse): void {
  headerMapKey ??= Object.getOwnPropertySymbols(res).find((key) => key.description === 'kOutHeaders') ?? null;
  if (headerMapKey === null) return;
  const map = (res as unknown as Record<symbol, unknown>)[headerMapKey];
  if (typeof map === 'object' && map !== null && Object.keys(map).length === 0) {
    (res as unknown as Record<symbol, unknown>)[headerMapKey] = null;
  }
}

/** Header names already written in title case; the app sets the same few on every stream. */
const titleCased = new Map<string, string>();
/** Bounds the cache in case some middleware sets names that vary per request. */
const MAX_TITLE_CASED = 256;

/** `x-request-id` → `X-Request-Id`: Node hands the names back in lowercase. */
function titleCase(name: string): string {
  let written = titleCased.get(name);
  if (written !== undefined) return written;
  written = name.replace(
    /(^|-)([a-z])/g,
    (_match, dash: string, letter: string) => dash + letter.toUpperCase(),
  );
  if (titleCased.size < MAX_TITLE_CASED) titleCased.set(name, written);
  return written;
}
