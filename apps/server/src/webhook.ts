import { createHmac } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { type IronflowEvent, serializeEvent } from '@ironflow/engine';
import type { Logger } from './logger.js';

/** Options of {@link createWebhookHandler}. */
export interface WebhookOptions {
  readonly url: string;
  /** Signs each body with `X-Signature-256: sha256=<hex HMAC-SHA256>` when set. */
  readonly secret: string | null;
  readonly logger: Logger;
  /** @default 3 */
  readonly attempts?: number;
  /** Backoff before retry n is `baseDelayMs * 2^(n-1)` plus up to that much jitter. @default 500 */
  readonly baseDelayMs?: number;
  /** Per-attempt limit, so a stuck endpoint cannot hold the queue forever. @default 10000 */
  readonly timeoutMs?: number;
}

/** A 4xx means the request itself is wrong, so repeating it cannot help; 408 and 429 are "later". */
const isRetryable = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * The webhook side effect (SPEC section 4): POSTs the event's canonical JSON (the same bytes as
 * the SSE `data:`) to `url`, retrying with exponential backoff and jitter. It never throws: a
 * delivery that fails for good is logged. Subscribe it on the publisher, which runs it off the
 * stream's path, so a failing webhook never delays the stream.
 *
 * @example
 * ```ts
 * publisher.subscribe(config.webhook.events, createWebhookHandler({ url, secret, logger }), { name: 'webhook' });
 * ```
 */
export function createWebhookHandler(options: WebhookOptions): (event: IronflowEvent) => Promise<void> {
  const { url, secret, logger, attempts = 3, baseDelayMs = 500, timeoutMs = 10_000 } = options;

  return async (event) => {
    const body = serializeEvent(event);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret !== null) {
      headers['x-signature-256'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    }
    for (let attempt = 1; ; attempt += 1) {
      let outcome: { status: number } | { error: unknown };
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        if (response.ok) return;
        outcome = { status: response.status };
      } catch (error) {
        outcome = { error };
      }
      const retryable = 'error' in outcome || isRetryable(outcome.status);
      if (!retryable || attempt >= attempts) {
        logger.warn(
          { type: event.type, attempts: attempt, ...('error' in outcome ? { err: outcome.error } : outcome) },
          'webhook delivery failed',
        );
        return;
      }
      const backoff = baseDelayMs * 2 ** (attempt - 1);
      await delay(backoff + Math.random() * backoff);
    }
  };
}
