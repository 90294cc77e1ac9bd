import { randomBytes } from 'node:crypto';

const RANDOM_BYTES = 6;

/**
 * A fresh log epoch: the current time in base 36 followed by random base-36 digits, about 18
 * characters of `[a-z0-9]`. The time part keeps epochs of successive restarts apart even if the
 * random part collided; the random part keeps two logs started in the same millisecond apart.
 */
export function generateEpoch(): string {
  const random = randomBytes(RANDOM_BYTES).readUIntBE(0, RANDOM_BYTES).toString(36).padStart(10, '0');
  return `${Date.now().toString(36)}${random}`;
}
