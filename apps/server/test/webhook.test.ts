import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serializeEvent, verifyWebhookSignature } from '@ironflow/engine';
import { within } from '@ironflow/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { runCli, type ServerProcess, spawnServer } from './support/built.js';

// End to end through the built server; the engine's tests cover retries, timeouts and signatures.

interface Hook {
  readonly body: Buffer;
  readonly headers: http.IncomingHttpHeaders;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A real receiver; `answer: false` never answers (a stuck endpoint). */
async function receiver(answer: boolean) {
  const hooks: Hook[] = [];
  let notify: () => void = () => {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hooks.push({ body: Buffer.concat(chunks), headers: req.headers });
      if (answer) res.writeHead(204).end();
      notify();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hooks,
    first: new Promise<Hook>((resolve) => {
      notify = () => resolve(hooks[0] as Hook);
    }),
  };
}

async function start(env: Record<string, string>): Promise<{ server: ServerProcess; url: string }> {
  const server = spawnServer({ PORT: '0', ...env });
  cleanups.push(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  const line = await within(
    10_000,
    'the server to listen',
    server.logLine((l) => l.msg === 'ironflow listening'),
  );
  return { server, url: line.url as string };
}

function ingest(url: string, event: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/api/v1/internal/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  });
}

describe('webhooks from the built server', () => {
  it('POSTs the canonical event JSON, signed with WEBHOOK_SECRET', async () => {
    const hooks = await receiver(true);
    const { url } = await start({
      WEBHOOK_URL: hooks.url,
      WEBHOOK_SECRET: 'e2e-secret',
      WEBHOOK_EVENTS: 'run_created',
    });
    const runId = crypto.randomUUID();
    expect((await ingest(url, { type: 'run_created', run_id: runId, workflow_name: 'deploy' })).status).toBe(
      202,
    );

    const hook = await within(10_000, 'the webhook', hooks.first);
    const body = hook.body.toString('utf8');
    expect(JSON.parse(body)).toMatchObject({ type: 'run_created', run_id: runId });
    expect(body).toBe(serializeEvent(JSON.parse(body)));
    expect(hook.headers['x-ironflow-event']).toBe('run_created');
    const signature = hook.headers['x-signature-256'] as string;
    expect(await verifyWebhookSignature(hook.body, signature, 'e2e-secret')).toBe(true);
  });

  it('a receiver that never answers does not delay the stream', async () => {
    const hooks = await receiver(false);
    const { server, url } = await start({ WEBHOOK_URL: hooks.url, WEBHOOK_EVENTS: 'run_created' });
    const { stdout: token } = await runCli(['token', '--user', 'alice', '--admin']);
    const response = await fetch(`${url}/api/v1/events?types=run_created`, {
      headers: { authorization: `Bearer ${token.trim()}` },
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = (predicate: () => boolean) =>
      within(
        2_000,
        'the SSE stream to show the event',
        (async () => {
          while (!predicate()) {
            const { done, value } = await reader.read();
            if (done) throw new Error(`stream ended early:\n${text}`);
            text += decoder.decode(value, { stream: true });
          }
        })(),
      );
    await readUntil(() => text.includes('retry: 3000'));

    const runIds = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    for (const [index, runId] of runIds.entries()) {
      const started = performance.now();
      expect(
        (await ingest(url, { type: 'run_created', run_id: runId, workflow_name: 'deploy' })).status,
      ).toBe(202);
      // Each event reaches the stream within 2 s although the webhook is stuck for 10 s per attempt.
      await readUntil(() => text.includes(runId));
      expect(performance.now() - started).toBeLessThan(2_000);
      if (index === 0) await within(5_000, 'the stuck webhook request', hooks.first);
    }
    // The webhook is still on its first attempt of the first event, which the receiver holds open.
    expect(hooks.hooks).toHaveLength(1);
    await reader.cancel();

    // Nor does it turn a SIGTERM into a forced exit: shutdown drops what is still queued.
    server.child.kill('SIGTERM');
    expect(await within(9_000, 'a clean exit despite the stuck webhook', server.exited)).toEqual({
      code: 0,
      signal: null,
    });
    expect(server.stdoutLines.some((line) => line.includes('webhook deliveries still pending'))).toBe(true);
  });
});
