import { connect, type Socket } from 'node:net';
import { within } from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { type ServerProcess, spawnServer } from './support/built.js';

// The 413 for an oversize ingest body must reach a client that is still sending when it is
// decided. A server that stops reading the body and later closes the socket (Node's 5 s
// keep-alive timeout) closes it with unread input, so the kernel sends RST instead of FIN, and
// the client's kernel drops the 413 it had not read yet. The client below is the one that showed
// it on the built server before the fix (every run reset): a chunked 2.4 MiB body whose last
// 320 KiB trickle in for 8 s, with the answer read only once everything was written, as a client
// that sends its whole request first does.

const LIMIT = 2 * 1024 * 1024;
const TOTAL = Math.floor(2.4 * 1024 * 1024);
const PIECE = 64 * 1024;
const PIECES = 5;
/** Longer, over the pieces, than the keep-alive timeout that closed the unread socket. */
const PAUSE_MS = 1_600;
const RUNS = 20;

interface Outcome {
  readonly head: string;
  readonly body: string;
  /** The socket error that ended the exchange (ECONNRESET, EPIPE), if any. */
  readonly error: string | null;
}

const sockets: Socket[] = [];
let server: ServerProcess;
let port: number;

beforeAll(async () => {
  server = spawnServer({ PORT: '0' });
  const line = await within(
    10_000,
    'the listening line',
    server.logLine((l) => l.msg === 'ironflow listening'),
  );
  port = line.port as number;
});

afterAll(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
});

function chunk(bytes: number): Buffer {
  return Buffer.concat([
    Buffer.from(`${bytes.toString(16)}\r\n`),
    Buffer.alloc(bytes, 0x20),
    Buffer.from('\r\n'),
  ]);
}

function write(socket: Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())));
}

/** Sends the whole request (the answer unread meanwhile), then reads the answer to its end. */
function postThenRead(): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let error: string | null = null;
    let received = '';
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const split = received.indexOf('\r\n\r\n');
      resolve({
        head: split < 0 ? received : received.slice(0, split),
        body: split < 0 ? '' : received.slice(split + 4),
        error,
      });
    };
    const timer = setTimeout(() => {
      error ??= 'no complete answer within 30 s';
      settle();
    }, 30_000);
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      error ??= cause.code ?? cause.message;
    });
    socket.once('connect', async () => {
      try {
        await write(
          socket,
          `POST /api/v1/internal/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
            `Authorization: Bearer ${DEV_WORKER_TOKEN}\r\nContent-Type: application/json\r\n` +
            'Transfer-Encoding: chunked\r\n\r\n',
        );
        // Past the limit at once: the server refuses here, while the rest is still to come.
        await write(socket, chunk(TOTAL - PIECES * PIECE));
        for (let piece = 0; piece < PIECES; piece++) {
          await new Promise((wait) => setTimeout(wait, PAUSE_MS));
          await write(socket, chunk(PIECE));
        }
        await write(socket, '0\r\n\r\n');
      } catch (cause) {
        error ??= (cause as NodeJS.ErrnoException).code ?? String(cause);
      }
      if (socket.destroyed) return settle();
      socket.setEncoding('latin1');
      socket.on('data', (data: string) => {
        received += data;
        const split = received.indexOf('\r\n\r\n');
        const length = /\r\ncontent-length: (\d+)/i.exec(received.slice(0, split))?.[1];
        if (split >= 0 && length !== undefined && received.length - split - 4 >= Number(length)) settle();
      });
      socket.on('close', settle);
    });
  });
}

describe('an oversize body refused while the client is still sending (built server)', () => {
  it(`answers 413 in the envelope to ${RUNS} clients that read only after sending all, never a reset`, async () => {
    const outcomes = await Promise.all(Array.from({ length: RUNS }, () => postThenRead()));
    const failed = outcomes.filter((o) => o.error !== null || !o.head.startsWith('HTTP/1.1 413 '));
    expect(
      failed.map((o) => o.error ?? o.head.split('\r\n')[0]),
      'runs without a readable 413',
    ).toEqual([]);
    for (const outcome of outcomes) {
      expect(outcome.head).toMatch(/\r\nx-content-type-options: nosniff/i);
      expect(JSON.parse(outcome.body)).toEqual({
        error: { code: 'PAYLOAD_TOO_LARGE', message: `request body is larger than ${LIMIT} bytes` },
      });
    }
  }, 60_000);
});
