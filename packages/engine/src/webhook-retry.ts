/**
 * Whether a response status is worth another attempt: a 5xx, `408 Request Timeout` or
 * `429 Too Many Requests`. Any other 4xx means the request itself is refused, so repeating it cannot help.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * The wait before retry `n` (1 for the second attempt): `baseDelayMs · 2^(n-1)` plus a jitter of up to the
 * same amount (`random()` in [0, 1)). Each range starts where the previous one ends, so the waits grow
 * whatever the jitter, while the jitter spreads retries of many servers apart.
 *
 * @example
 * retryDelayMs(1, 500, Math.random); // 500 ≤ ms < 1000
 * retryDelayMs(2, 500, Math.random); // 1000 ≤ ms < 2000
 */
export function retryDelayMs(retry: number, baseDelayMs: number, random: () => number): number {
  const backoff = baseDelayMs * 2 ** (retry - 1);
  return backoff + Math.min(Math.max(random(), 0), 1) * backoff;
}
