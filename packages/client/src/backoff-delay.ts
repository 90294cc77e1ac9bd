/** Resolved backoff settings. */
export interface BackoffSettings {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The delay before reconnect attempt number `attempt` (0 for the first): exponential with "equal
 * jitter". The ceiling doubles per attempt up to `maxDelayMs`; the delay is drawn between half the
 * ceiling and the ceiling, so clients dropped together spread out, yet none retries at once.
 *
 * @example
 * backoffDelay(0, { initialDelayMs: 1000, maxDelayMs: 30000 }); // 500..1000
 * backoffDelay(10, { initialDelayMs: 1000, maxDelayMs: 30000 }); // 15000..30000
 */
export function backoffDelay(
  attempt: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  // 2 ** attempt overflows to Infinity for huge attempts; Math.min keeps the ceiling finite.
  const ceiling = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
