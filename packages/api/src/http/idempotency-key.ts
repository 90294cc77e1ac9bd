import type { Context } from 'koa';
import { invalidIdempotencyKey } from '../errors.js';

// Visible ASCII (0x21-0x7E), 1 to 255 characters. Repeated headers arrive joined by ", ", which
// holds a space, so they are refused too.
const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key`, `undefined` without one; `400` when it is malformed. */
export function readIdempotencyKey(ctx: Context): string | undefined {
  const value = ctx.req.headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) throw invalidIdempotencyKey();
  return value;
}
