import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SseClient } from './support/sse-client.js';
import { type TestServer, useTestServers } from './support/test-server.js';

const clients: SseClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

/** A full garbage collection, from inside the test process (no `--expose-gc` needed). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** The raw bytes a stream sends, read over a plain TCP socket, until `done` says enough. */
function rawStream(srv: TestServer, done: (raw: string) => boolean): Promise<string> {
  const { port } = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete stream head within 5 s; got ${JSON.stringify(raw)}`));
    }, 5_000);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      raw += chunk;
      if (!done(raw)) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(raw);
    });
    socket.on('error', reject);
    socket.write(
      'GET /api/v1/events HTTP/1.1\r\nHost: ironflow.test\r\nX-Request-Id: req-42\r\n' +
        `Authorization: Bearer ${srv.token()}\r\n\r\n`,
    );
  });
}

describe('the stream response, written by the hub straight to the socket', () => {
  it('is one close-delimited response: the head with the middleware headers, then bare frames', async () => {
    const srv = await server();
    const raw = await rawStream(srv, (text) => text.endsWith(': connected\n\n'));
    const [head, body] = raw.split('\r\n\r\n');
    const lines = (head ?? '').split('\r\n');
    expect(lines[0]).toBe('HTTP/1.1 200 OK');
    const headers = new Map(
      lines.slice(1).map((line) => {
        const at = line.indexOf(': ');
        return [line.slice(0, at), line.slice(at + 2)] as const;
      }),
    );
    expect(headers.get('Content-Type')).toBe('text/event-stream');
    expect(headers.get('Cache-Control')).toBe('no-cache');
    expect(headers.get('X-Accel-Buffering')).toBe('no');
    expect(headers.get('Connection')).toBe('close');
    expect(headers.get('X-Request-Id')).toBe('req-42');
    expect(headers.get('X-Frame-Options')).toBe('DENY');
    expect(new Date(headers.get('Date') ?? '').getTime()).not.toBeNaN();
    expect(headers.has('Transfer-Encoding')).toBe(false);
    expect(headers.has('Content-Length')).toBe(false);
    // No chunk-size lines: the body is the SSE text itself, up to the close of the connection.
    expect(body).toBe('retry: 3000\n\n: connected\n\n');
  });

  it("lets Koa's per-request context be collected while the stream stays open", async () => {
    // Counted by finalization rather than by polling WeakRefs: deref() would keep its target alive.
    let observed = 0;
    let collected = 0;
    const finalized = new FinalizationRegistry<void>(() => collected++);
    const srv = await server({
      observe: async (ctx, next) => {
        if (ctx.path === '/api/v1/events') {
          observed++;
          finalized.register(ctx);
        }
        await next();
      },
    });
    for (let i = 0; i < 3; i++) {
      const client = await SseClient.open(`${srv.url}/api/v1/events`, {
        authorization: `Bearer ${srv.token()}`,
      });
      clients.push(client);
      await client.waitUntil(() => client.raw.includes(': connected'), 'the preamble');
    }
    expect(observed).toBe(3);
    const deadline = Date.now() + 5_000;
    while (collected < 3 && Date.now() < deadline) {
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(collected).toBe(3);
    // The streams are still open and delivering.
    expect(srv.ironflow.hub.inspect().liveConnections).toBe(3);
    await srv.ingest({
      type: 'run_created',
      run_id: '0b1c6f1e-5d0a-4f56-9d1a-6f0f0f6f1a01',
      workflow_name: 'deploy',
      timestamp: '2026-01-01T00:00:00Z',
    });
    for (const client of clients) await client.waitForMessages(1);
  });

  it('drops the credentials from the request it keeps open, once authenticated', async () => {
    const srv = await server();
    const kept: IncomingMessage[] = [];
    srv.http.on('request', (req: IncomingMessage) => kept.push(req));
    const token = srv.token();
    const client = await SseClient.open(`${srv.url}/api/v1/events`, {
      authorization: `Bearer ${token}`,
      cookie: `ironflow_refresh=refresh-secret; ironflow_token=${token}`,
    });
    clients.push(client);
    await client.waitUntil(() => client.raw.includes(': connected'), 'the preamble');
    const [req] = kept;
    expect(req?.headers.authorization).toBeUndefined();
    expect(req?.headers.cookie).toBeUndefined();
    expect(req?.rawHeaders.join('\n')).not.toMatch(/Bearer|refresh-secret/);
    expect(req?.rawHeaders.join('\n')).not.toContain(token);
    expect(req?.headers.accept).toBe('text/event-stream');
  });
});
