import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createTokenService } from '@ironflow/auth';
import { within } from '@ironflow/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET } from '../src/dev-defaults.js';
import { cleanEnv, mainPath, repoRoot, type ServerProcess, spawnServer } from './support/built.js';

// What the built server answers at the edges of HTTP: the parser's own refusals, and streams
// past what its file-descriptor limit can hold.

const children: ChildProcess[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function start(): Promise<{ server: ServerProcess; port: number }> {
  const server = spawnServer({ PORT: '0' });
  children.push(server.child);
  const line = await within(
    10_000,
    'the listening line',
    server.logLine((l) => l.msg === 'ironflow listening'),
  );
  return { server, port: line.port as number };
}

interface RawAnswer {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
  /** How the connection ended: closed after an answer, or reset. */
  readonly reset: boolean;
}

/** Sends `request` as raw bytes and reads the answer: until the head when `headOnly`, else to the close. */
function exchange(port: number, request: string, headOnly = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let text = '';
    let reset = false;
    const timer = setTimeout(
      () => reject(new Error(`no answer within 10 s; got ${JSON.stringify(text)}`)),
      10_000,
    );
    const finish = () => {
      clearTimeout(timer);
      const at = text.indexOf('\r\n\r\n');
      const lines = text.slice(0, at === -1 ? text.length : at).split('\r\n');
      const headers = new Map<string, string>();
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(lines[0] ?? '')?.[1] ?? 0);
      resolve({ status, headers, body: at === -1 ? '' : text.slice(at + 4), reset });
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (headOnly && text.includes('\r\n\r\n')) finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') reset = true;
    });
    socket.on('close', finish);
    socket.write(request);
  });
}

function expectEnvelope(answer: RawAnswer, status: number, code: string): void {
  expect(answer.reset).toBe(false);
  expect(answer.status).toBe(status);
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(answer.headers.get('x-frame-options')).toBe('DENY');
  expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(JSON.parse(answer.body)).toEqual({ error: { code, message: expect.any(String) } });
}

describe("the HTTP parser's own refusals (built server)", () => {
  it('answer a request without Host, CONNECT and bad framing in the envelope with the security headers', async () => {
    const { port } = await start();
    const noHost = await exchange(port, 'GET /api/v1/health-check HTTP/1.1\r\nConnection: close\r\n\r\n');
    expectEnvelope(noHost, 400, 'BAD_REQUEST');
    expect(JSON.parse(noHost.body).error.message).toBe('missing Host header');

    expectEnvelope(
      await exchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
      501,
      'NOT_IMPLEMENTED',
    );
    expectEnvelope(
      await exchange(
        port,
        'POST /api/v1/internal/events HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ),
      400,
      'BAD_REQUEST',
    );
    expectEnvelope(
      await exchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n'),
      400,
      'BAD_REQUEST',
    );
    // HTTP/1.0 may omit Host.
    const old = await exchange(port, 'GET /api/v1/health-check HTTP/1.0\r\n\r\n');
    expect(old.status).toBe(200);
  });
});

describe('SSE_MAX_STREAMS above the file-descriptor limit (built server under ulimit -n 256)', () => {
  it('warns at start, and past the cap answers 503 in the envelope, never a reset', async () => {
    const child = spawn('sh', ['-c', `ulimit -n 256 && exec "${process.execPath}" "${mainPath}"`], {
      cwd: repoRoot,
      env: cleanEnv({ PORT: '0' }),
    });
    children.push(child);
    const lines: Record<string, unknown>[] = [];
    let partial = '';
    const listening = new Promise<Record<string, unknown>>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const part of parts) {
          const line = JSON.parse(part) as Record<string, unknown>;
          lines.push(line);
          if (line.msg === 'ironflow listening') resolve(line);
        }
      });
    });
    const line = await within(10_000, 'the listening line', listening);
    const port = line.port as number;
    expect(line.maxStreams).toBe(192);
    const warning = lines.find((l) => String(l.msg).startsWith('SSE_MAX_STREAMS=50000 is more than'));
    expect(warning).toMatchObject({ level: 40, configured: 50_000, fdLimit: 256, maxStreams: 192 });

    const tokens = createTokenService({ secret: DEV_JWT_SECRET });
    const statuses: number[] = [];
    // 10 attempts at a time, each its own user (the per-user limit is not what is tested).
    for (let attempt = 0; attempt < 240; attempt += 10) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => {
          const token = tokens.mintAccess({ userId: crypto.randomUUID(), username: 'u', isAdmin: false });
          return exchange(
            port,
            `GET /api/v1/events HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${token}\r\n\r\n`,
            true,
          );
        }),
      );
      for (const answer of answers) {
        expect(answer.reset).toBe(false);
        statuses.push(answer.status);
      }
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(192);
    expect(statuses.filter((status) => status === 503)).toHaveLength(48);
    // The refusals are complete answers, and the server still serves other requests.
    const refused = await exchange(
      port,
      `GET /api/v1/events HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${tokens.mintAccess({ userId: crypto.randomUUID(), username: 'u', isAdmin: false })}\r\n\r\n`,
    );
    expectEnvelope(refused, 503, 'SERVICE_UNAVAILABLE');
    expect(refused.headers.get('connection')).toBe('close');
    const health = await exchange(
      port,
      'GET /api/v1/health-check HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    );
    expect(health.status).toBe(200);
  }, 60_000);
});
