import { describe, expect, it } from 'vitest';
import { createSignInRateLimiter } from '../src/http/sign-in-rate-limiter.js';

describe('createSignInRateLimiter', () => {
  it('keeps a sliding window per address and does not record refused attempts', () => {
    let now = 0;
    const limiter = createSignInRateLimiter({ limit: 2, windowMs: 10_000, now: () => now });
    expect(limiter.take('a')).toEqual({ allowed: true });
    now = 4_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('b')).toEqual({ allowed: true });
    now = 9_000;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now = 10_000;
    // The attempt at 0 has left the window; the refused one at 9000 was never counted.
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });

  it('never tracks more than maxAddresses, forgetting the least recently seen', () => {
    let now = 0;
    const limiter = createSignInRateLimiter({ limit: 1, windowMs: 60_000, maxAddresses: 3, now: () => now });
    for (let i = 0; i < 10_000; i++) {
      now++;
      limiter.take(`10.0.${i >> 8}.${i & 255}`);
      expect(limiter.size).toBeLessThanOrEqual(3);
    }
    expect(limiter.size).toBe(3);

    const fresh = createSignInRateLimiter({ limit: 1, windowMs: 60_000, maxAddresses: 2, now: () => now });
    fresh.take('a');
    fresh.take('b');
    fresh.take('a'); // refused, but seen: b is now the least recent
    fresh.take('c'); // evicts b
    expect(fresh.take('a').allowed).toBe(false);
    expect(fresh.take('b').allowed).toBe(true);
  });

  it('refuses bad options with a message that says what to pass', () => {
    expect(() => createSignInRateLimiter({ limit: 0 })).toThrow(
      'createSignInRateLimiter: limit must be a positive integer, got 0',
    );
    expect(() => createSignInRateLimiter({ windowMs: 1.5 })).toThrow(/windowMs must be a positive integer/);
    expect(() => createSignInRateLimiter({ maxAddresses: Number.NaN })).toThrow(/maxAddresses/);
  });
});
