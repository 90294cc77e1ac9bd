/**
 * The delay a `Retry-After` header asks for, in milliseconds: delta-seconds or an HTTP date; `null`
 * when absent or unreadable (the caller falls back to its own backoff). Capped at `maxMs`, so a
 * server cannot park a producer for hours.
 */
export function retryAfterMs(
  header: string | null,
  maxMs: number,
  now: () => number = Date.now,
): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, maxMs);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(0, date - now()), maxMs);
}
