import { connect } from 'node:net';

/** A response read off a raw socket, or what happened instead. */
export interface RawResponse {
  /** 0 when the connection ended before a status line arrived. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The server reset or errored the connection (after or instead of a response). */
  readonly reset: boolean;
  /** A `text/event-stream` 200 that this client closed as soon as its head arrived. */
  readonly stream: boolean;
}

/** A request written byte for byte; `Connection: close` is added so the response ends with the socket. */
export interface RawRequest {
  readonly method: string;
  /** Path and query, written as latin1 bytes (so any byte can be sent). */
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Buffer | null;
  /** Send the body with `Transfer-Encoding: chunked` instead of `Content-Length`. */
  readonly chunked?: boolean;
}

export function encodeRequest(request: RawRequest): Buffer {
  let head = `${request.method} ${request.target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
  for (const [name, value] of request.headers) head += `${name}: ${value}\r\n`;
  const body = request.body ?? null;
  if (body !== null) {
    head += request.chunked ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${body.length}\r\n`;
  }
  const parts: Buffer[] = [Buffer.from(`${head}\r\n`, 'latin1')];
  if (body !== null) {
    if (request.chunked)
      parts.push(Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n'));
    else parts.push(body);
  }
  return Buffer.concat(parts);
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Sends raw bytes to `origin` and reads the response until the server closes the connection (the
 * request says `Connection: close`). An SSE `200` is closed by this client once its head arrived.
 * Rejects if nothing settles within `timeoutMs`: a request the server never answers is a finding.
 */
export function sendRaw(origin: string, bytes: Buffer, timeoutMs = 15_000): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let received = 0;
    let reset = false;
    let settled = false;
    let stream = false;
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error(`no response within ${timeoutMs} ms to ${bytes.subarray(0, 80).toString('latin1')}…`));
    }, timeoutMs);

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const all = Buffer.concat(chunks, received);
      const headEnd = all.indexOf('\r\n\r\n');
      if (headEnd === -1) {
        resolve({ status: 0, headers: {}, body: all, reset, stream });
        return;
      }
      const [statusLine = '', ...lines] = all.subarray(0, headEnd).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const raw = all.subarray(headEnd + 4);
      const body = headers['transfer-encoding'] === 'chunked' ? dechunk(raw) : raw;
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body, reset, stream });
    };

    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (stream || received > 64 * 1024 * 1024) return;
      const all = chunks.length === 1 ? chunk : Buffer.concat(chunks, received);
      const headEnd = all.indexOf('\r\n\r\n');
      if (headEnd !== -1 && /^HTTP\/1\.1 200/.test(all.toString('latin1', 0, 12))) {
        if (/content-type: text\/event-stream/i.test(all.subarray(0, headEnd).toString('latin1'))) {
          stream = true;
          socket.destroy();
        }
      }
    });
    socket.on('error', () => {
      reset = true;
    });
    socket.on('close', finish);
    socket.write(bytes, () => {});
  });
}
