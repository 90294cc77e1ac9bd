/** Options of {@link createSignInRateLimiter}. */
export interface SignInRateLimitOptions {
  /** Attempts allowed per address within one window. @default 10 */
  readonly limit?: number;
  /** Length of the sliding window in milliseconds. @default 60000 */
  readonly windowMs?: number;
  /**
   * Addresses tracked at once; beyond it the least recently seen is forgotten, so memory stays
   * bounded at about `maxAddresses × limit` timestamps whatever an attacker sends. @default 10000
   */
  readonly maxAddresses?: number;
  /** Clock in milliseconds, for tests. @default Date.now */
  readonly now?: () => number;
}

/** The verdict for one attempt. */
export type RateLimitVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Counts sign-in attempts per client address in memory (one process). */
export interface SignInRateLimiter {
  /** Records an attempt by `address`, unless it is over the limit, and says whether it may go on. */
  take(address: string): RateLimitVerdict;
  /** Addresses currently tracked. */
  readonly size: number;
}

function assertPositiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`createSignInRateLimiter: ${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * A sliding-window log per address: an attempt is allowed when fewer than `limit` attempts by the
 * same address fall within the last `windowMs`. A refused attempt is not recorded, so a client
 * that waits `Retry-After` seconds gets in again.
 *
 * @example
 * const limiter = createSignInRateLimiter({ limit: 10, windowMs: 60_000 });
 * const verdict = limiter.take(ctx.ip);
 * if (!verdict.allowed) throw tooManyRequests(verdict.retryAfterSeconds);
 */
export function createSignInRateLimiter(options: SignInRateLimitOptions = {}): SignInRateLimiter {
  const { limit = 10, windowMs = 60_000, maxAddresses = 10_000, now = Date.now } = options;
  assertPositiveInteger(limit, 'limit');
  assertPositiveInteger(windowMs, 'windowMs');
  assertPositiveInteger(maxAddresses, 'maxAddresses');
  // Map order is recency order: an address is re-inserted on every attempt, so the first key is
  // the least recently seen and is the one evicted.
  const attempts = new Map<string, number[]>();

  return {
    take(address) {
      const at = now();
      const times = attempts.get(address) ?? [];
      attempts.delete(address);
      while (times.length > 0 && (times[0] as number) <= at - windowMs) times.shift();
      if (times.length >= limit) {
        attempts.set(address, times);
        const retryAfterMs = (times[0] as number) + windowMs - at;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
      }
      times.push(at);
      attempts.set(address, times);
      if (attempts.size > maxAddresses) attempts.delete(attempts.keys().next().value as string);
      return { allowed: true };
    },
    get size() {
      return attempts.size;
    },
  };
}
