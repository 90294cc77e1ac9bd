import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createTokenService } from '@ironflow/auth';
import { exampleEvents } from '@ironflow/engine';
import { selfSignedCertificate, waitFor, within } from '@ironflow/test-support';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET, DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { type ServerProcess, spawnServer } from './support/built.js';

// HTTPS on the server's own port (TLS_CERT_FILE/TLS_KEY_FILE): HTTP/2 and HTTP/1.1 side by side,
// driven by real clients (curl, undici, node's http2 and https) against the built server.

const dir = mkdtempSync(path.join(tmpdir(), 'ironflow-tls-'));
const tokens = createTokenService({ secret: DEV_JWT_SECRET });
const insecure = new Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
const cleanups: (() => void)[] = [];
let server: ServerProcess;
let url: string;

beforeAll(async () => {
  const { cert: certFile, key: keyFile } = await selfSignedCertificate(dir);
  server = spawnServer({
    PORT: '0',
    TLS_CERT_FILE: certFile,
    TLS_KEY_FILE: keyFile,
    // A small slow-client bound, so that a stalled HTTP/2 reader meets it quickly.
    SSE_MAX_BUFFERED_BYTES: String(64 * 1024),
  });
  const line = await within(
    10_000,
    'the listening line',
    server.logLine((l) => l.msg === 'ironflow listening'),
  );
  url = line.url as string;
  expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(line.protocols).toEqual(['h2', 'http/1.1']);
}, 30_000);

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

afterAll(async () => {
  await insecure.close();
  if (server?.child.exitCode === null) {
    server.child.kill('SIGTERM');
    expect(await within(12_000, 'the server to exit', server.exited)).toEqual({ code: 0, signal: null });
  }
});

const bearer = () =>
  `Bearer ${tokens.mintAccess({ userId: crypto.randomUUID(), username: 'reader', isAdmin: false })}`;

/** Ingests over HTTP/2 (undici) with the worker token; returns the answer's `last_id`. */
async function ingest(events: unknown[]): Promise<string> {
  const response = await request(`${url}/api/v1/internal/events`, {
    method: 'POST',
    dispatcher: insecure,
    headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  const text = await response.body.text();
  expect(response.statusCode, text).toBe(202);
  return (JSON.parse(text) as { data: { last_id: string } }).data.last_id;
}

function numbered(from: number, count: number, filler = ''): unknown[] {
  return Array.from({ length: count }, (_, index) => ({
    ...exampleEvents.run_status_changed,
    labels: { n: String(from + index), filler },
  }));
}

/** `labels.n` of every complete event message in `text`, and the id of the last one. */
function parseNumbers(text: string): { numbers: number[]; lastId: string | null } {
  const numbers: number[] = [];
  let lastId: string | null = null;
  for (const block of text.split('\n\n').slice(0, -1)) {
    const id = /^id: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.+)$/m.exec(block)?.[1];
    if (id === undefined || data === undefined) continue;
    numbers.push(Number((JSON.parse(data) as { labels: { n: string } }).labels.n));
    lastId = id;
  }
  return { numbers, lastId };
}

describe('HTTPS with HTTP/2 and HTTP/1.1 on one port (built server)', () => {
  it('streams over HTTP/2 to curl --http2 -N, without a Connection header', async () => {
    const curl: ChildProcess = spawn('curl', [
      '--http2',
      '-sk',
      '-N',
      '-D',
      '-',
      '-H',
      `Authorization: ${bearer()}`,
      `${url}/api/v1/events?types=run_status_changed`,
    ]);
    cleanups.push(() => curl.kill('SIGKILL'));
    let out = '';
    curl.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    await waitFor(() => out.includes(': connected\n\n'), 'the stream to open over curl', 10_000);
    await ingest(numbered(1, 3));
    await waitFor(
      () => parseNumbers(out.slice(out.indexOf('\r\n\r\n') + 4)).numbers.length === 3,
      'three events over curl',
      10_000,
    );
    const head = out.slice(0, out.indexOf('\r\n\r\n')).toLowerCase();
    expect(head).toMatch(/^http\/2 200/);
    expect(head).toContain('content-type: text/event-stream');
    expect(head).toContain('x-content-type-options: nosniff');
    expect(head).not.toContain('connection:');
    expect(parseNumbers(out.slice(out.indexOf('\r\n\r\n') + 4)).numbers).toEqual([1, 2, 3]);
  });

  it("runs the development banner's curl commands as printed, trusting the self-signed certificate", async () => {
    const bannerCurls = () =>
      server
        .stderr()
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.startsWith('curl --cacert '));
    await waitFor(() => bannerCurls().length === 2, 'the development banner', 10_000);
    const [streamLine = '', publishLine = ''] = bannerCurls();
    expect(streamLine).toContain(' -N ');
    expect(publishLine).toContain(' -X POST ');
    const stream: ChildProcess = spawn('sh', ['-c', streamLine]);
    cleanups.push(() => stream.kill('SIGKILL'));
    let out = '';
    stream.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    await waitFor(() => out.includes(': connected\n\n'), "the banner's stream command to connect", 10_000);
    const published = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const publish = spawn('sh', ['-c', publishLine]);
      let stdout = '';
      publish.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      publish.on('close', (code) => resolve({ code, stdout }));
    });
    expect(published.code).toBe(0);
    expect(published.stdout).toContain('"last_id"');
    const runId = /"run_id":"([0-9a-f-]+)"/.exec(publishLine)?.[1];
    expect(runId).toBeDefined();
    await waitFor(
      () => out.includes(`"run_id":"${runId}"`),
      "the banner's event on the banner's stream",
      10_000,
    );
  });

  it('streams over HTTP/2 to undici (allowH2), five at once', async () => {
    const streams = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(`${url}/api/v1/events?types=run_status_changed`, {
          dispatcher: insecure,
          headers: { authorization: bearer() },
        }),
      ),
    );
    const texts = streams.map(() => '');
    streams.forEach((response, index) => {
      expect(response.statusCode).toBe(200);
      // The HTTP/1.1 stream always says `Connection: close`; an HTTP/2 response cannot.
      expect(response.headers.connection).toBeUndefined();
      expect(response.headers['content-type']).toBe('text/event-stream');
      response.body.setEncoding('utf8').on('data', (chunk: string) => {
        texts[index] += chunk;
      });
      cleanups.push(() => response.body.destroy());
    });
    await waitFor(() => texts.every((text) => text.includes(': connected')), 'every stream to open', 10_000);
    await ingest(numbered(1, 10));
    await waitFor(
      () => texts.every((text) => parseNumbers(text).numbers.length === 10),
      'ten events on every stream',
      10_000,
    );
    for (const text of texts) expect(parseNumbers(text).numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('streams over HTTP/1.1 on the same port', async () => {
    let text = '';
    const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = https.get(
        `${url}/api/v1/events?types=run_status_changed`,
        { rejectUnauthorized: false, headers: { authorization: bearer() } },
        resolve,
      );
      req.on('error', reject);
      cleanups.push(() => req.destroy());
    });
    expect(response.httpVersion).toBe('1.1');
    expect(response.statusCode).toBe(200);
    expect(response.headers.connection).toBe('close');
    response.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    await waitFor(() => text.includes(': connected'), 'the stream to open', 10_000);
    await ingest(numbered(1, 2));
    await waitFor(() => parseNumbers(text).numbers.length === 2, 'two events over HTTP/1.1', 10_000);
  });

  it('closes a stalled HTTP/2 reader at the slow-client bound; it resumes with Last-Event-ID and gets every event once', async () => {
    const session = http2.connect(url, { rejectUnauthorized: false });
    cleanups.push(() => session.destroy());
    session.on('error', () => {});
    const authorization = bearer();
    const stalled = session.request({ ':path': '/api/v1/events?types=run_status_changed', authorization });
    let text = '';
    stalled.setEncoding('utf8');
    stalled.on('data', (chunk: string) => {
      text += chunk;
    });
    stalled.on('error', () => {});
    await waitFor(() => text.includes(': connected'), 'the stalled stream to open', 10_000);
    // The server's receive windows, sized for 2 MiB ingest bodies; what it sends is bounded by ours.
    expect(session.remoteSettings.initialWindowSize).toBe(1024 * 1024);
    expect(session.state.remoteWindowSize).toBeGreaterThanOrEqual(1024 * 1024);
    await ingest(numbered(1, 20));
    await waitFor(() => parseNumbers(text).numbers.length === 20, 'the first 20 events', 10_000);
    // Stop reading: the client's stream window fills, and the server's unsent bytes pass 64 KiB.
    stalled.pause();
    const filler = 'x'.repeat(4_000);
    for (let from = 21; from <= 400; from += 20) await ingest(numbered(from, 20, filler));
    // A paused client stream learns of the reset (RST_STREAM) at once, but emits 'close' only
    // once read: look at its state.
    await waitFor(() => stalled.closed, 'the server to close the stalled stream', 15_000);
    expect(stalled.rstCode).toBeDefined();
    expect(session.closed || session.destroyed).toBe(false); // the session itself lives on

    // Resume where the client got to: every event after it, once, in order.
    const { numbers, lastId } = parseNumbers(text);
    expect(numbers.length).toBeGreaterThanOrEqual(20);
    expect(lastId).not.toBeNull();
    const resumed = session.request({
      ':path': '/api/v1/events?types=run_status_changed',
      authorization,
      'last-event-id': lastId as string,
    });
    let more = '';
    resumed.setEncoding('utf8').on('data', (chunk: string) => {
      more += chunk;
    });
    cleanups.push(() => resumed.close());
    await waitFor(
      () => parseNumbers(more).numbers.length === 400 - numbers.length,
      'the rest of the 400 events',
      15_000,
    );
    expect([...numbers, ...parseNumbers(more).numbers]).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
  }, 60_000);

  it("answers the HTTP/1.1 parser's refusals over TLS in the envelope too", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect(
        {
          port: Number(new URL(url).port),
          host: '127.0.0.1',
          rejectUnauthorized: false,
          ALPNProtocols: ['http/1.1'],
        },
        () =>
          socket.write(
            'POST /api/v1/internal/events HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
          ),
      );
      let text = '';
      socket.setEncoding('latin1').on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      cleanups.push(() => socket.destroy());
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('X-Content-Type-Options: nosniff');
    expect(answer).toContain('{"error":{"code":"BAD_REQUEST","message":"malformed HTTP request"}}');
  });

  it('ends an HTTP/2 stream when its token expires: the comment, then the end of the stream', async () => {
    const shortLived = createTokenService({ secret: DEV_JWT_SECRET, accessTtlSeconds: 1 });
    const token = shortLived.mintAccess({ userId: crypto.randomUUID(), username: 'brief', isAdmin: false });
    const response = await request(`${url}/api/v1/events`, {
      dispatcher: insecure,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    const text = await within(8_000, 'the expired stream to end', response.body.text());
    expect(text).toMatch(/: connected\n\n[\s\S]*: credentials expired\n\n$/);
  });

  it('on SIGTERM ends HTTP/2 and HTTP/1.1 streams, stalled ones included, and exits 0 within 10 s', async () => {
    // Two sessions: node's client opens a 64 KiB session window, which a stalled stream's unread
    // bytes would fill, stopping its neighbours on the same session too.
    const session = http2.connect(url, { rejectUnauthorized: false });
    const stalledSession = http2.connect(url, { rejectUnauthorized: false });
    for (const each of [session, stalledSession]) {
      each.on('error', () => {});
      cleanups.push(() => each.destroy());
    }
    const reading = session.request({ ':path': '/api/v1/events', authorization: bearer() });
    const stalled = stalledSession.request({ ':path': '/api/v1/events', authorization: bearer() });
    let text = '';
    let ended = false;
    reading.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    reading.on('end', () => {
      ended = true;
    });
    reading.on('error', () => {});
    stalled.on('error', () => {});
    stalled.on('response', () => stalled.pause());
    const http1 = await request(`${url}/api/v1/events`, {
      dispatcher: new Agent({ connect: { rejectUnauthorized: false } }),
      headers: { authorization: bearer() },
    });
    expect(http1.headers.connection).toBe('close');
    await waitFor(() => text.includes(': connected'), 'the HTTP/2 stream to open', 10_000);
    await ingest(numbered(1, 100, 'y'.repeat(4_000)));

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const http1Text = await within(15_000, 'the HTTP/1.1 stream to end', http1.body.text());
    expect(http1Text).toContain(': connected');
    await waitFor(() => ended, 'the HTTP/2 stream to end cleanly', 15_000);
    const exit = await within(12_000, 'the server to exit', server.exited);
    expect(exit, server.stdoutLines.slice(-8).join('\n')).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
  }, 30_000);
});
