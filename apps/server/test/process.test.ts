import http from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { within } from '@ironflow/test-support';
import { describe, expect, it } from 'vitest';
import { DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { runCli, type ServerProcess, serversKilledAfterEach } from './support/built.js';

const start = serversKilledAfterEach();

async function listeningUrl(server: ServerProcess): Promise<string> {
  const line = await within(
    10_000,
    'the "ironflow listening" log line',
    server.logLine((l) => l.msg === 'ironflow listening'),
  );
  return line.url as string;
}

/** Polls until the health check answers 200 (bounded); the process may still be starting. */
async function waitHealthy(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await fetch(`${url}/api/v1/health-check`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`health check still ${status} after 10 s`);
    await delay(20); // poll interval, not synchronisation: the loop waits for the 200
  }
}

/** Reads the stream until `text` holds everything read so far and `done` says it ended. */
/** Publishes one `run_created` for `runId` through the ingest route; resolves with the status. */
async function publishRunCreated(url: string, runId: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/internal/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'run_created', run_id: runId, workflow_name: 'deploy' }),
  });
  return response.status;
}

function streamReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    text: () => text,
    async until(what: string, predicate: (all: string) => boolean): Promise<string> {
      return within(
        10_000,
        what,
        (async () => {
          while (!predicate(text)) {
            const { done, value } = await reader.read();
            if (done) throw new Error(`stream ended before ${what}; got:\n${text}`);
            text += decoder.decode(value, { stream: true });
          }
          return text;
        })(),
      );
    },
    async end(): Promise<void> {
      await within(
        10_000,
        'the stream to end',
        (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            text += decoder.decode(value, { stream: true });
          }
        })(),
      );
    },
  };
}

describe('node apps/server/dist/main.js', () => {
  it('serves the tour, then shuts down cleanly on SIGTERM: the stream ends and the exit code is 0', async () => {
    const server = start({ PORT: '0' });
    const url = await listeningUrl(server);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitHealthy(url);
    expect(server.stderr()).toContain(`curl -N -H "Authorization: Bearer `);
    expect(server.stderr()).toContain(`${url}/api/v1/events`);

    const { stdout: token } = await runCli(['token', '--user', 'alice', '--admin']);
    const response = await fetch(`${url}/api/v1/events?types=run_created`, {
      headers: { authorization: `Bearer ${token.trim()}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = streamReader(response.body as ReadableStream<Uint8Array>);
    await stream.until('the stream preamble', (text) => text.includes('retry: 3000'));

    const runId = crypto.randomUUID();
    expect(await publishRunCreated(url, runId)).toBe(202);
    const text = await stream.until('the run_created message', (all) => all.includes('event: run_created'));
    const message = text.slice(text.lastIndexOf('id: '));
    expect(message).toMatch(/^id: \S+\nevent: run_created\ndata: \{.*\}\n\n/);
    const data = JSON.parse(message.split('\n')[2]?.slice('data: '.length) ?? '');
    expect(data).toMatchObject({ type: 'run_created', run_id: runId, workflow_name: 'deploy' });

    server.child.kill('SIGTERM');
    await stream.end();
    expect(await within(10_000, 'the process to exit', server.exited)).toEqual({ code: 0, signal: null });
    const messages = server.stdoutLines.map((line) => JSON.parse(line).msg);
    expect(messages).toContain('shutting down');
    expect(messages.at(-1)).toBe('shut down cleanly');
  });

  it('delivers the configured webhook kinds to WEBHOOK_URL', async () => {
    let onHook: (body: string) => void = () => {};
    const hooked = new Promise<string>((resolve) => {
      onHook = resolve;
    });
    const hooks = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        res.end();
        onHook(body);
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hooks.address() as AddressInfo;
      const server = start({
        PORT: '0',
        WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
        WEBHOOK_EVENTS: 'run_created',
      });
      const url = await listeningUrl(server);
      const runId = crypto.randomUUID();
      expect(await publishRunCreated(url, runId)).toBe(202);
      expect(JSON.parse(await within(10_000, 'the webhook', hooked))).toMatchObject({
        type: 'run_created',
        run_id: runId,
      });
      server.child.kill('SIGTERM');
      expect(await within(10_000, 'the process to exit', server.exited)).toEqual({ code: 0, signal: null });
    } finally {
      hooks.close();
    }
  });

  it('answers what Node refuses before the app (oversized headers, a garbled request) in the error envelope', async () => {
    const server = start({ PORT: '0' });
    const url = new URL(await listeningUrl(server));
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname);
        let text = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
        socket.end(request);
      });
    const oversized = await raw(
      `GET /api/v1/health-check HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(oversized).toMatch(/^HTTP\/1\.1 431 /);
    expect(oversized).toContain('X-Frame-Options: DENY');
    expect(oversized.slice(oversized.indexOf('\r\n\r\n') + 4)).toBe(
      '{"error":{"code":"HEADERS_TOO_LARGE","message":"request headers are too large"}}',
    );
    const garbled = await raw('NOT AN HTTP REQUEST\r\n\r\n');
    expect(garbled).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbled).toContain('"code":"BAD_REQUEST"');
    // The server is still serving.
    expect((await fetch(`${url.origin}/api/v1/health-check`)).status).toBe(200);
  });
});
