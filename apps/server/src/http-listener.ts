import http from 'node:http';
import http2 from 'node:http2';
import type { Socket } from 'node:net';
import { answerClientError, answerConnect } from './client-error.js';

/** A certificate chain and its private key, PEM, as read from `TLS_CERT_FILE`/`TLS_KEY_FILE`. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** The server that listens for the app, and how to let its connections go at shutdown. */
export interface Listener {
  readonly server: http.Server | http2.Http2SecureServer;
  readonly protocol: 'http' | 'https';
  /**
   * Once the app has finished its requests and ended its streams: closes idle HTTP/1.1
   * keep-alive connections and sends GOAWAY on every HTTP/2 session (which then closes as its
   * last stream ends), destroying within `graceMs` whatever is still open.
   */
  release(graceMs: number): void;
}

// Node checks requestTimeout only until a request has been fully received, so a long-lived SSE
// response is not cut by it (verified on Node 20: a 1 s requestTimeout leaves a stream open);
// it bounds slow uploads of the 2 MiB ingest body instead. keepAliveTimeout keeps Node's 5 s.
const HEADERS_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * HTTP/2 settings for long-lived streams. The window for what the server sends is the client's
 * (browsers advertise megabytes; a client that advertises little is a slow client and meets the
 * slow-client bound on the stream's unsent bytes). What the server sets is what it receives:
 * a 1 MiB stream window and an 8 MiB session window let a 2 MiB ingest body arrive without a
 * round trip per 64 KiB, with several uploads sharing a session. The session memory bound
 * (nghttp2's buffers, headers and queued frames of all its streams) is raised from Node's
 * 10 MB so that a browser session carrying dozens of busy streams is not refused new ones.
 */
const HTTP2_STREAM_WINDOW = 1024 * 1024;
const HTTP2_SESSION_WINDOW = 8 * 1024 * 1024;
const HTTP2_MAX_SESSION_MEMORY_MB = 64;

/**
 * Creates the server for `handler`: plain HTTP/1.1, or with `tls` HTTPS serving HTTP/2 and
 * HTTP/1.1 on the same port (ALPN). Both answer the HTTP parser's own refusals and `CONNECT` in
 * docs/PROTOCOL.md's envelope with the security headers; a request without `Host` reaches the app, which
 * refuses it the same way (Node's own refusal is a bare `400`).
 */
export function createListener(handler: http.RequestListener, tls: TlsMaterial | null): Listener {
  if (tls === null) {
    const server = http.createServer({ requireHostHeader: false }, handler);
    configureHttp1(server);
    return {
      server,
      protocol: 'http',
      release(graceMs) {
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.once('close', () => clearTimeout(timer));
      },
    };
  }

  const server = http2.createSecureServer(
    {
      cert: tls.cert,
      key: tls.key,
      allowHTTP1: true,
      settings: { initialWindowSize: HTTP2_STREAM_WINDOW },
      maxSessionMemory: HTTP2_MAX_SESSION_MEMORY_MB,
    },
    handler as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
  );
  configureHttp1(server);
  const sessions = new Set<http2.ServerHttp2Session>();
  // Every TCP connection, whatever it became (an HTTP/2 session, HTTP/1.1, a handshake that never
  // finished): what is still open when the grace ends is cut, so that close() always completes.
  const sockets = new Set<Socket>();
  server.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    // A session error (a reset connection, a protocol error) closes it; its streams see 'close'.
    session.on('error', () => {});
    session.setLocalWindowSize(HTTP2_SESSION_WINDOW);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    server,
    protocol: 'https',
    release(graceMs) {
      for (const session of sessions) session.close();
      // Node 20 tracks the HTTP/1.1 connections of an allowHTTP1 server too, but does not type it.
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      const timer = setTimeout(() => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      timer.unref();
      server.once('close', () => clearTimeout(timer));
    },
  };
}

function configureHttp1(server: http.Server | http2.Http2SecureServer): void {
  server.on('clientError', answerClientError);
  server.on('connect', answerConnect);
  const timeouts = server as { headersTimeout?: number; requestTimeout?: number };
  timeouts.headersTimeout = HEADERS_TIMEOUT_MS;
  timeouts.requestTimeout = REQUEST_TIMEOUT_MS;
}
