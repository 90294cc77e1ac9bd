import { InvalidOptionError, UnknownEventKindError } from './errors.js';
import { EVENT_KIND_NAMES, isEventKindName } from './event-kinds.js';
import type { EventKind, EventKindName, IronflowEvent } from './event-types.js';
import { serializeEvent } from './serialize-event.js';
import { WebhookDeliveryError } from './webhook-delivery-error.js';
import { isRetryableStatus, retryDelayMs } from './webhook-retry.js';
import { importWebhookKey, signWebhookBody } from './webhook-signature.js';

/** The kinds a webhook receives unless told otherwise (docs/PROTOCOL.md: `WEBHOOK_EVENTS`). */
export const DEFAULT_WEBHOOK_KINDS: readonly EventKind[] = Object.freeze([
  'run_status_changed',
  'step_failed',
]);

/** What `onDelivery` learns about a delivered event. */
export interface WebhookDelivery {
  readonly event: IronflowEvent;
  /** The `X-Ironflow-Delivery` id, the same on every attempt. */
  readonly id: string;
  /** Attempts made, the successful one included. */
  readonly attempts: number;
  /** The 2xx status that ended it. */
  readonly status: number;
}

/** What `onFailure` learns about an event that was not delivered. */
export interface WebhookFailure {
  readonly event: IronflowEvent;
  readonly id: string;
  readonly attempts: number;
  /** The last response status; `null` when the last attempt got no response. */
  readonly status: number | null;
  /** The error as it would be thrown without `onFailure`. */
  readonly error: WebhookDeliveryError;
}

/** Options of {@link createWebhookSubscriber}. */
export interface WebhookSubscriberOptions {
  /** Where to POST: an `http:` or `https:` URL. */
  readonly url: string;
  /** Signs each body with `X-Signature-256: sha256=<hex HMAC-SHA256>` when set (non-empty). */
  readonly secret?: string | null;
  /** The kinds to deliver. @default DEFAULT_WEBHOOK_KINDS (`run_status_changed`, `step_failed`) */
  readonly kinds?: readonly EventKindName[];
  /** Attempts per event, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** The wait before retry n is `baseDelayMs · 2^(n-1)` plus up to as much jitter. @default 500 */
  readonly baseDelayMs?: number;
  /** Each attempt is aborted after this long, so a stuck receiver cannot hold the queue. @default 10000 */
  readonly timeoutMs?: number;
  /** The subscriber's name in the publisher's error reports. @default 'webhook' */
  readonly name?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** The jitter's source, in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Called after a successful delivery (a 2xx). Must not throw. */
  readonly onDelivery?: (delivery: WebhookDelivery) => void;
  /**
   * Called when an event could not be delivered; the handler then resolves. Without it the handler
   * rejects with a {@link WebhookDeliveryError}, which the publisher reports to its `onError`.
   */
  readonly onFailure?: (failure: WebhookFailure) => void;
}

/** The three arguments of `publisher.subscribe`, ready to pass. */
export interface WebhookSubscriber {
  readonly kinds: readonly EventKindName[];
  /** Delivers one event, retries included; resolves when delivered or given up. */
  readonly handler: (event: IronflowEvent) => Promise<void>;
  readonly options: { readonly name: string };
}

type Outcome =
  | { readonly status: number; readonly error?: undefined }
  | { readonly status: null; readonly error: unknown };

function checkOptions(options: WebhookSubscriberOptions): void {
  let url: URL | undefined;
  try {
    url = new URL(options.url);
  } catch {}
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InvalidOptionError(
      `url must be an http:// or https:// URL (got ${JSON.stringify(options.url)})`,
    );
  }
  const counts = [
    ['maxAttempts', options.maxAttempts, 1],
    ['baseDelayMs', options.baseDelayMs, 0],
    ['timeoutMs', options.timeoutMs, 1],
  ] as const;
  for (const [name, value, min] of counts) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
      throw new InvalidOptionError(
        `${name} must be an integer >= ${min} (got ${String(value)}); omit it for the default`,
      );
    }
  }
  if (options.secret === '')
    throw new InvalidOptionError('secret must not be empty; omit it to send unsigned bodies');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The webhook side effect (docs/PROTOCOL.md §4) as a publisher subscriber: it POSTs each event's canonical JSON
 * (`serializeEvent`, the same bytes as the SSE `data:`) to `url` with `content-type: application/json`,
 * `X-Ironflow-Event: <type>`, `X-Ironflow-Delivery: <uuid>` (stable across retries, for deduplication)
 * and, with a `secret`, `X-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. A 2xx is success; a 5xx,
 * 408, 429, network error or timeout is retried up to `maxAttempts` with exponential backoff and jitter;
 * any other status is final. Browser-safe: global `fetch` and WebCrypto only.
 *
 * The publisher runs it off the caller's path, one event at a time, and bounds its queue with
 * `maxQueuedPerSubscriber` (oldest dropped first), so a failing webhook never delays the stream and
 * memory stays bounded.
 *
 * @example
 * const publisher = createInProcessNotifier({ maxQueuedPerSubscriber: 10_000, onError: (error) => log.warn(error) });
 * const webhook = createWebhookSubscriber({ url: 'https://hooks.example.com/ironflow', secret: webhookSecret });
 * publisher.subscribe(webhook.kinds, webhook.handler, webhook.options);
 */
export function createWebhookSubscriber(options: WebhookSubscriberOptions): WebhookSubscriber {
  checkOptions(options);
  const { url, maxAttempts = 3, baseDelayMs = 500, timeoutMs = 10_000, random = Math.random } = options;
  const kinds = Object.freeze([
    ...new Set(
      (options.kinds ?? DEFAULT_WEBHOOK_KINDS).map((kind) => {
        if (isEventKindName(kind)) return kind;
        throw new UnknownEventKindError(String(kind), EVENT_KIND_NAMES);
      }),
    ),
  ]);
  const send = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const secret = options.secret ?? null;
  // Imported once, on first use (WebCrypto is async); a bad secret cannot fail here, any string is a key.
  let key: Promise<CryptoKey> | undefined;

  async function attempt(body: string, headers: Record<string, string>): Promise<Outcome> {
    try {
      const response = await send(url, {
        method: 'POST',
        headers,
        body,
        // A webhook URL that redirects is misconfigured; following it would turn the POST into a GET.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Release the connection: the receiver's answer body is of no interest.
      await response.body?.cancel().catch(() => {});
      return { status: response.status };
    } catch (error) {
      return { status: null, error };
    }
  }

  async function handler(event: IronflowEvent): Promise<void> {
    const body = serializeEvent(event);
    const id = crypto.randomUUID();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-ironflow-event': event.type,
      'x-ironflow-delivery': id,
    };
    if (secret !== null) {
      key ??= importWebhookKey(secret);
      headers['x-signature-256'] = await signWebhookBody(body, await key);
    }
    for (let attempts = 1; ; attempts += 1) {
      const outcome = await attempt(body, headers);
      if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
        options.onDelivery?.({ event, id, attempts, status: outcome.status });
        return;
      }
      const retryable = outcome.status === null || isRetryableStatus(outcome.status);
      if (!retryable || attempts >= maxAttempts) {
        const error = new WebhookDeliveryError(event.type, attempts, outcome.status, outcome.error);
        if (options.onFailure === undefined) throw error;
        options.onFailure({ event, id, attempts, status: outcome.status, error });
        return;
      }
      await sleep(retryDelayMs(attempts, baseDelayMs, random));
    }
  }

  return { kinds, handler, options: { name: options.name ?? 'webhook' } };
}
