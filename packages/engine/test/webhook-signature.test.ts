import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exampleEvents, serializeEvent, signWebhookBody, verifyWebhookSignature } from '../src/index.js';

const body = serializeEvent(exampleEvents.log_line);
const secret = 'hook-secret';
const reference = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('webhook signatures', () => {
  it('signs the body bytes with HMAC-SHA256, as node:crypto does', async () => {
    expect(await signWebhookBody(body, secret)).toBe(reference);
    expect(await signWebhookBody(new TextEncoder().encode(body), secret)).toBe(reference);
  });

  it('verifies a good signature from a string or bytes, whatever the hex case', async () => {
    expect(await verifyWebhookSignature(body, reference, secret)).toBe(true);
    expect(await verifyWebhookSignature(new TextEncoder().encode(body), reference, secret)).toBe(true);
    expect(await verifyWebhookSignature(body, reference.toUpperCase(), secret)).toBe(true);
  });

  it.each([
    ['a missing header', null],
    ['an empty header', ''],
    ['no prefix', reference.slice('sha256='.length)],
    ['a truncated signature', reference.slice(0, -1)],
    ['one wrong digit', `${reference.slice(0, -1)}${reference.endsWith('0') ? '1' : '0'}`],
  ])('rejects %s', async (_what, header) => {
    expect(await verifyWebhookSignature(body, header, secret)).toBe(false);
  });

  it('rejects another secret and a changed body', async () => {
    expect(await verifyWebhookSignature(body, reference, 'other-secret')).toBe(false);
    expect(await verifyWebhookSignature(`${body} `, reference, secret)).toBe(false);
  });
});
