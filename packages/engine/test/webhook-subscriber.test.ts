import { afterEach, describe, expect, it } from 'vitest';
import {
  createInProcessNotifier,
  createWebhookSubscriber,
  DEFAULT_WEBHOOK_KINDS,
  exampleEvents,
  InvalidOptionError,
  retryDelayMs,
  serializeEvent,
  verifyWebhookSignature,
  type WebhookDelivery,
  WebhookDeliveryError,
  type WebhookFailure,
  type WebhookSubscriberOptions,
} from '../src/index.js';
import { type Answer, startReceiver } from './support/webhook-receiver.js';

const event = exampleEvents.step_failed;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(answers: readonly Answer[] = []) {
  const started = await startReceiver(answers);
  receivers.push(started);
  return started;
}

/** A subscriber that records its outcomes instead of throwing. */
function subscriber(options: WebhookSubscriberOptions) {
  const delivered: WebhookDelivery[] = [];
  const failed: WebhookFailure[] = [];
  const webhook = createWebhookSubscriber({
    onDelivery: (delivery) => delivered.push(delivery),
    onFailure: (failure) => failed.push(failure),
    ...options,
  });
  return { ...webhook, delivered, failed };
}

describe('createWebhookSubscriber', () => {
  it('POSTs the exact serializeEvent bytes, signed, with the event kind and a delivery id', async () => {
    const { url, received } = await receiver([200]);
    const webhook = subscriber({ url, secret: 'hook-secret' });
    await webhook.handler(event);

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.body.equals(Buffer.from(serializeEvent(event), 'utf8'))).toBe(true);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-ironflow-event']).toBe('step_failed');
    expect(request?.headers['x-ironflow-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    const signature = request?.headers['x-signature-256'] as string;
    expect(await verifyWebhookSignature(request?.body ?? new Uint8Array(), signature, 'hook-secret')).toBe(
      true,
    );
    expect(await verifyWebhookSignature(request?.body ?? new Uint8Array(), signature, 'wrong')).toBe(false);
    expect(webhook.delivered).toEqual([expect.objectContaining({ event, attempts: 1, status: 200 })]);
    expect(webhook.failed).toEqual([]);
  });

  it('sends no signature without a secret', async () => {
    const { url, received } = await receiver();
    await subscriber({ url }).handler(event);
    expect(received[0]?.headers['x-signature-256']).toBeUndefined();
  });

  it('retries 5xx with growing backoff, then gives up after maxAttempts', async () => {
    const { url, received } = await receiver([500, 502, 503, 200]);
    const webhook = subscriber({ url, baseDelayMs: 60, random: () => 0 });
    await webhook.handler(event);

    expect(received).toHaveLength(3);
    const [first, second, third] = received.map((request) => request.at) as [number, number, number];
    const delays = [second - first, third - second];
    // random() = 0: waits of exactly 60 and 120 ms, plus the request's own time.
    expect(delays[0]).toBeGreaterThanOrEqual(58);
    expect(delays[1]).toBeGreaterThanOrEqual(118);
    expect(delays[1]).toBeGreaterThan(delays[0] as number);
    const ids = new Set(received.map((request) => request.headers['x-ironflow-delivery']));
    expect(ids.size).toBe(1);
    expect(webhook.failed).toEqual([expect.objectContaining({ attempts: 3, status: 503 })]);
    expect(webhook.failed[0]?.error).toBeInstanceOf(WebhookDeliveryError);
    expect(webhook.delivered).toEqual([]);
  });

  it('adds jitter on top of the backoff, never more than the backoff itself', () => {
    expect(retryDelayMs(1, 500, () => 0)).toBe(500);
    expect(retryDelayMs(1, 500, () => 0.5)).toBe(750);
    expect(retryDelayMs(2, 500, () => 0)).toBe(1000);
    expect(retryDelayMs(3, 500, () => 0.999)).toBeLessThan(4000);
  });

  it.each([400, 404])('does not retry a %i', async (status) => {
    const { url, received } = await receiver([status, 200]);
    const webhook = subscriber({ url, baseDelayMs: 1 });
    await webhook.handler(event);
    expect(received).toHaveLength(1);
    expect(webhook.failed).toEqual([expect.objectContaining({ attempts: 1, status })]);
  });

  it.each([408, 429])('retries a %i', async (status) => {
    const { url, received } = await receiver([status, 200]);
    const webhook = subscriber({ url, baseDelayMs: 1 });
    await webhook.handler(event);
    expect(received).toHaveLength(2);
    expect(webhook.delivered).toEqual([expect.objectContaining({ attempts: 2, status: 200 })]);
  });

  it('aborts an attempt after timeoutMs and retries it', async () => {
    const { url, received } = await receiver(['hang', 'hang']);
    const webhook = subscriber({ url, timeoutMs: 100, maxAttempts: 2, baseDelayMs: 1 });
    const started = performance.now();
    await webhook.handler(event);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(received).toHaveLength(2);
    expect(webhook.failed).toEqual([expect.objectContaining({ attempts: 2, status: null })]);
    expect(webhook.failed[0]?.error.message).toMatch(/no response \(TimeoutError/);
  });

  it('retries an unreachable endpoint and reports the network error', async () => {
    const closed = await receiver();
    await closed.close();
    receivers.splice(receivers.indexOf(closed), 1);
    const webhook = subscriber({ url: closed.url, baseDelayMs: 1 });
    await webhook.handler(event);
    expect(webhook.failed).toEqual([expect.objectContaining({ attempts: 3, status: null })]);
  });

  it('without onFailure, rejects so that the publisher reports the failure to onError', async () => {
    const { url } = await receiver([400]);
    const reported: unknown[] = [];
    const publisher = createInProcessNotifier({ onError: (error) => reported.push(error) });
    const webhook = createWebhookSubscriber({ url, kinds: ['step_failed'] });
    publisher.subscribe(webhook.kinds, webhook.handler, webhook.options);
    publisher.publish(event);
    await publisher.idle();
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({
      code: 'WEBHOOK_DELIVERY_FAILED',
      eventType: 'step_failed',
      attempts: 1,
      responseStatus: 400,
      message: 'webhook delivery of step_failed failed after 1 attempt: status 400',
    });
  });

  it('on a publisher, a hanging receiver delays neither publish nor another subscriber', async () => {
    const { url, requests } = await receiver(['hang', 'hang']);
    const publisher = createInProcessNotifier();
    const webhook = subscriber({ url, kinds: ['run_created'], timeoutMs: 5_000 });
    publisher.subscribe(webhook.kinds, webhook.handler, webhook.options);
    const seen: string[] = [];
    publisher.subscribe(['run_created'], (created) => {
      seen.push(created.run_id);
    });

    const started = performance.now();
    publisher.publishAll([exampleEvents.run_created, exampleEvents.run_created]);
    expect(performance.now() - started).toBeLessThan(50);
    await requests(1);
    expect(seen).toHaveLength(2);
  });

  it('subscribes to docs/PROTOCOL.md default kinds under the name "webhook"', () => {
    const webhook = createWebhookSubscriber({ url: 'https://hooks.example.com/x' });
    expect(webhook.kinds).toEqual(['run_status_changed', 'step_failed']);
    expect(webhook.kinds).toEqual(DEFAULT_WEBHOOK_KINDS);
    expect(webhook.options).toEqual({ name: 'webhook' });
  });

  it.each([
    ['a relative url', { url: '/hook' }, /url must be an http/],
    ['an ftp url', { url: 'ftp://example.com' }, /url must be an http/],
    ['zero attempts', { maxAttempts: 0 }, /maxAttempts must be an integer >= 1/],
    ['a negative delay', { baseDelayMs: -1 }, /baseDelayMs must be an integer >= 0/],
    ['a zero timeout', { timeoutMs: 0 }, /timeoutMs must be an integer >= 1/],
    ['an empty secret', { secret: '' }, /secret must not be empty/],
  ])('refuses %s when built', (_what, change, message) => {
    const build = () => createWebhookSubscriber({ url: 'https://hooks.example.com/x', ...change });
    expect(build).toThrow(InvalidOptionError);
    expect(build).toThrow(message);
  });

  it('refuses an unknown kind when built', () => {
    expect(() =>
      createWebhookSubscriber({ url: 'https://hooks.example.com/x', kinds: ['nope' as 'run_created'] }),
    ).toThrow('unknown event kind: nope');
  });
});
