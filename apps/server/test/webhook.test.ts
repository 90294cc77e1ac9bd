import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { type IronflowEvent, serializeEvent, validateEvent } from '@ironflow/engine';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../src/webhook.js';

interface Received {
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A real HTTP receiver answering each request with the next status of `statuses`. */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.statusCode = statuses[received.length - 1] ?? 200;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino(sink), lines };
}

const result = validateEvent({
  type: 'step_failed',
  run_id: '0190a6b2-0000-7000-8000-000000000001',
  step_id: '0190a6b2-0000-7000-8000-000000000002',
  step_name: 'Build',
  kind: 'shell',
  error: 'exit 1',
  at: '2025-01-01T00:00:00Z',
});
if (!result.ok) throw new Error(`fixture event is invalid: ${JSON.stringify(result.issues)}`);
const event: IronflowEvent = result.event;

describe('createWebhookHandler', () => {
  it('POSTs the canonical event JSON signed with the secret', async () => {
    const { url, received } = await receiver([204]);
    const { logger, lines } = capture();
    await createWebhookHandler({ url, secret: 'hook-secret', logger })(event);
    const body = serializeEvent(event);
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toBe(body);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(received[0]?.headers['x-signature-256']).toBe(
      `sha256=${createHmac('sha256', 'hook-secret').update(body).digest('hex')}`,
    );
    expect(lines).toEqual([]);
  });

  it('sends no signature without a secret', async () => {
    const { url, received } = await receiver([200]);
    await createWebhookHandler({ url, secret: null, logger: capture().logger })(event);
    expect(received[0]?.headers['x-signature-256']).toBeUndefined();
  });

  it('retries 5xx, 408 and 429 until it succeeds', async () => {
    const { url, received } = await receiver([503, 429, 200]);
    const { logger, lines } = capture();
    await createWebhookHandler({ url, secret: null, logger, baseDelayMs: 1 })(event);
    expect(received).toHaveLength(3);
    expect(lines).toEqual([]);
  });

  it('gives up after 3 attempts and logs it', async () => {
    const { url, received } = await receiver([500, 502, 408, 200]);
    const { logger, lines } = capture();
    await createWebhookHandler({ url, secret: null, logger, baseDelayMs: 1 })(event);
    expect(received).toHaveLength(3);
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'webhook delivery failed', status: 408, attempts: 3 }),
    ]);
  });

  it('does not retry any other 4xx', async () => {
    const { url, received } = await receiver([400, 200]);
    const { logger, lines } = capture();
    await createWebhookHandler({ url, secret: null, logger, baseDelayMs: 1 })(event);
    expect(received).toHaveLength(1);
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'webhook delivery failed', status: 400, attempts: 1 }),
    ]);
  });

  it('retries and then logs when the endpoint is unreachable, without throwing', async () => {
    const { url } = await receiver([]);
    const closed = servers.pop() as http.Server;
    await new Promise((resolve) => closed.close(resolve));
    const { logger, lines } = capture();
    await createWebhookHandler({ url, secret: null, logger, baseDelayMs: 1 })(event);
    expect(lines).toEqual([expect.objectContaining({ msg: 'webhook delivery failed', attempts: 3 })]);
  });
});
