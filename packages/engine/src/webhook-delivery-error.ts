import { EngineError } from './errors.js';

/**
 * A webhook delivery that failed for good: a non-retryable status, or the last attempt failed.
 * Thrown by the subscriber's handler when no `onFailure` is given, so the publisher's `onError` reports it.
 */
export class WebhookDeliveryError extends EngineError {
  override readonly name = 'WebhookDeliveryError';
  declare readonly code: 'WEBHOOK_DELIVERY_FAILED';
  /** The kind of the event that was not delivered. */
  readonly eventType: string;
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** The last response status; `null` when the last attempt got no response (network error, timeout). */
  readonly responseStatus: number | null;

  constructor(eventType: string, attempts: number, status: number | null, cause?: unknown) {
    const outcome = status === null ? `no response (${describe(cause)})` : `status ${status}`;
    super(
      'WEBHOOK_DELIVERY_FAILED',
      `webhook delivery of ${eventType} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${outcome}`,
      { cause },
    );
    this.eventType = eventType;
    this.attempts = attempts;
    this.responseStatus = status;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    // fetch wraps the socket error ("fetch failed"); its cause names it (ECONNREFUSED, …).
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.name}: ${cause.message}${inner}`;
  }
  return String(cause);
}
