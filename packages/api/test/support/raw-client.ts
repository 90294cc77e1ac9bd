import { connect, type Socket } from 'node:net';

/** A client on a plain TCP socket, sending exactly the bytes it is given. */
export interface RawClient {
  readonly socket: Socket;
  /** Everything received so far (latin1). */
  text(): string;
  /** True once the server's side closed (FIN or reset). */
  ended(): boolean;
  closed(): boolean;
  /** Resolves once `predicate(text)` holds, rejecting after `timeoutMs` with what arrived. */
  until(what: string, predicate: (text: string) => boolean, timeoutMs?: number): Promise<string>;
}

export interface RawClientOptions {
  /** Keep this side open after the server ends its side, as a half-open client does. */
  readonly halfOpen?: boolean;
  /** Stop reading once `predicate(text)` holds: the server's unsent output then grows. */
  readonly stopReadingWhen?: (text: string) => boolean;
}

/** Connects to `url`'s port on loopback and writes `request` as it is. */
export function rawClient(url: string, request: string, options: RawClientOptions = {}): RawClient {
  const socket = connect({
    port: Number(new URL(url).port),
    host: '127.0.0.1',
    allowHalfOpen: options.halfOpen,
  });
  let text = '';
  let ended = false;
  let closed = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    text += chunk;
    if (options.stopReadingWhen?.(text)) socket.pause();
    notify();
  });
  socket.on('end', () => {
    ended = true;
    notify();
  });
  socket.on('close', () => {
    ended = true;
    closed = true;
    notify();
  });
  // A reset by the server is one of the outcomes the tests look at, not a failure of the client.
  socket.on('error', () => {});
  socket.write(request);
  return {
    socket,
    text: () => text,
    ended: () => ended,
    closed: () => closed,
    until(what, predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(text)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(text);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(text.slice(-300))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** The request line and headers of a stream request with a bearer token. */
export function streamRequest(token: string, query = ''): string {
  return `GET /api/v1/events${query} HTTP/1.1\r\nHost: ironflow.test\r\nAuthorization: Bearer ${token}\r\n\r\n`;
}
