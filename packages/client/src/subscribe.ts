import { EVENT_KINDS, type EventKind } from '@ironflow/engine';
import { backoffDelay } from './backoff-delay.js';
import { buildStreamUrl } from './build-stream-url.js';
import { type ClientError, EventsLostError, HandlerError, StreamConnectionError } from './errors.js';
import { EVENT_SOURCE_CLOSED, type EventSourceLike } from './event-source-like.js';
import { parseEventMessage, parseGapMessage } from './parse-stream-message.js';
import { type ResolvedSubscribeOptions, resolveSubscribeOptions } from './resolve-subscribe-options.js';
import type {
  SubscribeOptions,
  Subscription,
  SubscriptionHandlers,
  SubscriptionState,
} from './subscription-types.js';

/** Where a subscription resumes when `resumed_after` is `null`: the start of the log's current epoch. */
const EARLIEST = 'earliest';

/**
 * Subscribes to ironflow's event stream. Each event is validated with the engine's schema and
 * handed to `onEvent` with its cursor, in log order, exactly once, across any disconnect: the
 * EventSource's own reconnects resume with `Last-Event-ID`, and when the EventSource gives up
 * (`429`, `503`, `401`, …) a new one is created with `last_event_id=<last cursor>` after an
 * exponential backoff with jitter. A `400` is final: the subscription reports it and closes.
 *
 * @throws {InvalidClientOptionError} for a bad option (checked before any connection).
 * @example
 * // Browser, authenticated by the ironflow_token cookie:
 * const subscription = subscribe(
 *   { url: 'https://ironflow.example.com', types: ['run_failed'], withCredentials: true },
 *   { onEvent: (event, { id }) => console.log(id, event.type, event.run_id) },
 * );
 * subscription.close();
 */
export function subscribe(options: SubscribeOptions, handlers: SubscriptionHandlers): Subscription {
  return new StreamSubscription(options, handlers);
}

class StreamSubscription implements Subscription {
  readonly #options: ResolvedSubscribeOptions;
  readonly #handlers: SubscriptionHandlers;
  #state: SubscriptionState = 'connecting';
  #cursor: string | null;
  #source: EventSourceLike | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Consecutive connections the EventSource gave up on since the stream was last open. */
  #failures = 0;
  /** `requested` of the last gap surfaced, until an event arrives: the same gap is not told twice. */
  #lastGap: string | null = null;

  constructor(options: SubscribeOptions, handlers: SubscriptionHandlers) {
    this.#handlers = handlers;
    this.#options = resolveSubscribeOptions(options, (error) =>
      this.#report(
        new StreamConnectionError('token source failed', { status: null, retryInMs: null, cause: error }),
      ),
    );
    this.#cursor = this.#options.lastEventId;
    this.#connect();
  }

  get lastEventId(): string | null {
    return this.#cursor;
  }

  get state(): SubscriptionState {
    return this.#state;
  }

  close(): void {
    if (this.#state === 'closed') return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#source?.close();
    this.#source = null;
    this.#setState('closed');
  }

  #connect(): void {
    const { url, runId, types, EventSource, init } = this.#options;
    const source = new EventSource(buildStreamUrl(url, { runId, types, lastEventId: this.#cursor }), init);
    this.#source = source;
    // Listeners of a replaced or closed source stay attached to it; this guard makes them inert.
    const current = (): boolean => this.#source === source;
    source.addEventListener('open', () => {
      if (!current()) return;
      this.#failures = 0;
      this.#setState('open');
    });
    source.addEventListener('error', (event) => {
      if (current()) this.#onSourceError(source, event);
    });
    for (const kind of EVENT_KINDS) {
      source.addEventListener(kind, (message) => {
        if (current()) this.#onEventMessage(kind, message);
      });
    }
    source.addEventListener('gap', (message) => {
      if (current()) this.#onGapMessage(message);
    });
  }

  #onSourceError(source: EventSourceLike, event: Event): void {
    if (source.readyState !== EVENT_SOURCE_CLOSED) {
      // CONNECTING: the EventSource reconnects by itself and sends Last-Event-ID.
      this.#setState('reconnecting');
      return;
    }
    // The EventSource gave up and will not retry: replace it, resuming from our cursor.
    source.close();
    this.#source = null;
    const status = statusOf(event);
    const detail = messageOf(event);
    const what = `stream connection failed${status === null ? '' : ` (HTTP ${status})`}${detail ? `: ${detail}` : ''}`;
    if (status === 400) {
      // The query itself is wrong (a malformed cursor, a kind this server does not know): retrying cannot help.
      this.#report(new StreamConnectionError(what, { status, retryInMs: null }));
      this.close();
      return;
    }
    const delay = backoffDelay(this.#failures++, this.#options.backoff);
    this.#setState('reconnecting');
    if (this.#state === 'closed') return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#connect();
    }, delay);
    this.#report(new StreamConnectionError(what, { status, retryInMs: delay }));
  }

  #onEventMessage(kind: EventKind, message: MessageEvent): void {
    const id = message.lastEventId;
    // The cursor advances even past an invalid payload: the server's order is authoritative, the
    // EventSource's own Last-Event-ID has advanced anyway, and resuming before it would only bring
    // back the same bytes.
    if (id !== '') this.#cursor = id;
    this.#lastGap = null;
    const parsed = parseEventMessage(kind, id, String(message.data));
    if (!parsed.ok) {
      this.#report(parsed.error);
      return;
    }
    this.#call('onEvent', () => this.#handlers.onEvent(parsed.value, { id }));
  }

  #onGapMessage(message: MessageEvent): void {
    const parsed = parseGapMessage(String(message.data));
    if (!parsed.ok) {
      this.#report(parsed.error);
      return;
    }
    const gap = parsed.value;
    // A native reconnect before any replayed event re-sends the old Last-Event-ID and so the same gap.
    if (gap.requested === this.#lastGap) return;
    this.#lastGap = gap.requested;
    // The loss is told; resume from where the server resumed, not from before the gap again.
    this.#cursor = gap.resumed_after ?? EARLIEST;
    const onGap = this.#handlers.onGap;
    if (onGap === undefined) this.#report(new EventsLostError(gap));
    else this.#call('onGap', () => onGap.call(this.#handlers, gap));
  }

  #setState(state: SubscriptionState): void {
    if (this.#state === state) return;
    this.#state = state;
    const onStateChange = this.#handlers.onStateChange;
    if (onStateChange !== undefined)
      this.#call('onStateChange', () => onStateChange.call(this.#handlers, state));
  }

  #call(handler: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#report(new HandlerError(handler, error));
    }
  }

  #report(error: ClientError): void {
    const onError = this.#handlers.onError;
    if (onError === undefined) {
      console.error(error);
      return;
    }
    try {
      onError.call(this.#handlers, error);
    } catch (thrown) {
      // Nowhere left to report to but the console; throwing would reach the EventSource.
      console.error(new HandlerError('onError', thrown));
    }
  }
}

/** The HTTP status on an `error` event, where the implementation adds one (the `eventsource` package's `code`). */
function statusOf(event: Event): number | null {
  const code = (event as { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

function messageOf(event: Event): string {
  const message = (event as { message?: unknown }).message;
  return typeof message === 'string' ? message : '';
}
