import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RUN_A, runCreated } from './support/sample-events.js';
import { type TestServer, useTestServers, WORKER_TOKEN } from './support/test-server.js';

const server = useTestServers();
const EVENTS = '/api/v1/internal/events';
const LIMIT = 2 * 1024 * 1024;

function post(srv: TestServer, body: Uint8Array | string, headers: Record<string, string>) {
  return fetch(`${srv.url}${EVENTS}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('Content-Encoding on the ingest routes', () => {
  const json = JSON.stringify([runCreated(RUN_A, 'compressed')]);

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['GZip', gzipSync],
    ['identity', (text: string) => Buffer.from(text)],
  ] as const)('decodes %s', async (encoding, encode) => {
    const srv = await server();
    const response = await post(srv, encode(json), { 'content-encoding': encoding });
    expect(response.status).toBe(202);
    const [stored] = await srv.log.read({ afterSeq: 0, limit: 1 });
    expect(stored?.event).toMatchObject({ workflow_name: 'compressed' });
  });

  it.each(['compress', 'zstd', 'gzip, br', 'x'.repeat(300)])(
    'refuses the encoding %j with 415, storing nothing',
    async (encoding) => {
      const srv = await server();
      const response = await post(srv, json, { 'content-encoding': encoding });
      expect(response.status).toBe(415);
      const error = await errorOf(response);
      expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(error.message).toMatch(
        /^unsupported Content-Encoding: .{1,100} \(send gzip, deflate, br or none\)$/,
      );
      expect(srv.log.bounds().headSeq).toBe(0);
    },
  );

  it.each([
    'text/plain',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/x-www-form-urlencoded',
  ])('refuses the content type %j with 415', async (type) => {
    const srv = await server();
    const response = await post(srv, json, { 'content-type': type });
    expect(response.status).toBe(415);
    expect(await errorOf(response)).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'request body must be application/json in UTF-8',
    });
  });

  it('accepts an explicit UTF-8 charset in any case', async () => {
    const srv = await server();
    expect((await post(srv, json, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(202);
  });

  it('answers a body that does not decode with 400', async () => {
    const srv = await server();
    const response = await post(srv, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({
      code: 'BAD_REQUEST',
      message: 'request body is not valid gzip data',
    });
  });

  it('applies the 2 MiB limit to the decoded bytes', async () => {
    const srv = await server();
    const event = (fill: number) =>
      JSON.stringify({ ...runCreated(RUN_A, 'big'), type: 'run_created', workflow_name: 'w'.repeat(fill) });
    const fits = gzipSync(event(LIMIT - 500));
    const over = gzipSync(event(LIMIT + 10));
    expect(fits.length).toBeLessThan(64 * 1024);
    expect((await post(srv, fits, { 'content-encoding': 'gzip' })).status).toBe(202);
    const refused = await post(srv, over, { 'content-encoding': 'gzip' });
    expect(refused.status).toBe(413);
    expect((await errorOf(refused)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses an inflation bomb early: 1.9 GiB of gzip in 1.9 MB, stopped at the limit', async () => {
    const srv = await server();
    // Concatenated gzip members decode as one stream: 30 × 64 MiB of zeros.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 30 }, () => member));
    expect(bomb.length).toBeLessThan(LIMIT);
    const heapBefore = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const response = await post(srv, bomb, { 'content-encoding': 'gzip' });
    const elapsed = performance.now() - started;
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('PAYLOAD_TOO_LARGE');
    // Inflating all of it would take seconds and 1.9 GiB; stopping at 2 MiB takes milliseconds.
    expect(elapsed).toBeLessThan(5_000);
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(256 * 1024 * 1024);
    expect(srv.log.bounds().headSeq).toBe(0);
  });
});

interface SlowResult {
  readonly head: string;
  readonly body: string;
  readonly error: string | null;
}

/**
 * A client that sends a 2.4 MiB body in 64 KiB chunks (with `pauseMs` between them), to the
 * end whatever comes back meanwhile (as a client that does not watch for an early answer does).
 * Resolves once it has sent everything and the answer is complete, or with the error that ended
 * the connection (a reset loses an answer the client had not read yet).
 */
function postSlowly(url: string, framing: 'length' | 'chunked', pauseMs: number): Promise<SlowResult> {
  const { hostname, port } = new URL(url);
  const total = Math.floor(2.4 * 1024 * 1024);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let done = false;
    let answered = false;
    let written = false;
    const finish = (error: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const text = received.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      socket.destroy();
      resolve({
        head: split < 0 ? text : text.slice(0, split),
        body: split < 0 ? '' : text.slice(split + 4),
        error,
      });
    };
    const timer = setTimeout(() => finish('timed out'), 20_000);
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      const text = received.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, split))?.[1];
      if (split >= 0 && length !== undefined && received.length - split - 4 >= Number(length))
        answered = true;
      if (answered && written) finish(null);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.on('close', () => finish('closed before the answer was complete'));
    socket.once('connect', async () => {
      const framingHeader = framing === 'length' ? `Content-Length: ${total}` : 'Transfer-Encoding: chunked';
      socket.write(
        `POST ${EVENTS} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${WORKER_TOKEN}\r\n` +
          `Content-Type: application/json\r\n${framingHeader}\r\n\r\n`,
      );
      for (let sent = 0; sent < total && !done; sent += chunk.length) {
        // Keeps sending after the answer came: the server must read on, not reset.
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        const ok = socket.write(
          framing === 'length'
            ? piece
            : Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]),
        );
        if (!ok) await new Promise((resolve) => socket.once('drain', resolve));
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
      if (framing === 'chunked' && !done) socket.write('0\r\n\r\n');
      written = true;
      if (answered) finish(null);
    });
  });
}

describe('the 413 is always readable', () => {
  it('reaches 20 clients that keep sending a 2.4 MiB body in chunks for longer than the keep-alive timeout', async () => {
    const srv = await server();
    // 38 chunks 150 ms apart: about 6 s of sending, past Node's 5 s keep-alive timeout, which
    // closed the socket with the rest unread (a reset) when the server stopped reading at 2 MiB.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, run) => postSlowly(srv.url, run % 2 === 0 ? 'length' : 'chunked', 150)),
    );
    for (const result of results) {
      expect(result.error).toBeNull();
      expect(result.head).toMatch(/^HTTP\/1\.1 413 /);
      expect(result.head).toMatch(/\r\nx-content-type-options: nosniff/i);
      expect(JSON.parse(result.body)).toEqual({
        error: { code: 'PAYLOAD_TOO_LARGE', message: `request body is larger than ${LIMIT} bytes` },
      });
    }
    expect(srv.log.bounds().headSeq).toBe(0);
  }, 60_000);
});
