import { EVENT_KINDS, type EventKind, type IronflowEvent } from '@ironflow/engine';
import { backoffDelay } from './backoff-delay.js';
import { buildStreamUrl } from './build-stream-url.js';
import { type ClientError, EventsLostError, HandlerError, StreamConnectionError } from './errors.js';
import { EVENT_SOURCE_CLOSED, type EventSourceLike } from './event-source-like.js';
import { parseEventMessage, parseGapMessage } from './parse-stream-message.js';
import { readErrorEnvelope } from './read-error-envelope.js';
import { type ResolvedSubscribeOptions, resolveSubscribeOptions } from './resolve-subscribe-options.js';
import type {
  SubscribeOptions,
  Subscription,
  SubscriptionHandlers,
  SubscriptionState,
} from './subscription-types.js';

/** Where a subscription resumes when `resumed_after` is `null`: the start of the log's current epoch. */
const EARLIEST = 'earliest';

/** Refusals that the same request cannot overcome: reported, and the subscription closes. */
const FINAL_STATUSES = new Set([400, 403, 404]);

/**
 * Subscribes to ironflow's event stream. Each event is validated with the engine's schema and
 * handed to `onEvent` with its cursor, in log order, exactly once, across any disconnect: the
 * EventSource's own reconnects resume with `Last-Event-ID`, and when the EventSource gives up
 * (`429`, `503`, a network failure, …) a new one is created with `last_event_id=<last cursor>` after
 * an exponential backoff with jitter. The error reported carries the server's status, code and
 * message (read with one `fetch` of the same URL, since an EventSource exposes no body). `400`,
 * `403` and `404` are final: reported, and the subscription closes. A `401` asks a credential
 * function once more (one immediate reconnect), then is final too. With `types`, `onEvent` receives
 * only those kinds, typed as such.
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
export function subscribe<K extends EventKind = EventKind>(
  options: SubscribeOptions<K>,
  handlers: SubscriptionHandlers<K>,
): Subscription {
  // The server sends only the kinds asked for, and each message is checked against its `event:` name.
  return new StreamSubscription(options, handlers as unknown as SubscriptionHandlers);
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
  /** Whether a `401` already made the credential function be asked again since the stream was last open. */
  #reasked = false;

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
      this.#reasked = false;
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
    // The EventSource gave up and will not retry: learn why, then replace it or stop.
    source.close();
    this.#source = null;
    const url = buildStreamUrl(this.#options.url, {
      runId: this.#options.runId,
      types: this.#options.types,
      lastEventId: this.#cursor,
    });
    void this.#explainRefusal(url, statusOf(event), messageOf(event)).then((refusal) => {
      if (this.#state !== 'closed' && this.#source === null && this.#timer === undefined)
        this.#decide(refusal);
    });
  }

  /**
   * Why a connection was refused: an EventSource gives no body (a browser's not even the status), so
   * the same URL is fetched once with the same credentials to read the server's error envelope.
   */
  async #explainRefusal(url: string, status: number | null, detail: string): Promise<Refusal> {
    try {
      const response = await this.#options.probe(url);
      if (response.ok) {
        // Open again already: nothing to explain; the stream is not read (it is reopened below).
        await response.body?.cancel();
        return { status, code: null, serverMessage: null, detail };
      }
      const envelope = await readErrorEnvelope(response);
      return { status: response.status, code: envelope.code, serverMessage: envelope.message, detail };
    } catch {
      return { status, code: null, serverMessage: null, detail };
    }
  }

  #decide(refusal: Refusal): void {
    const { status, code, serverMessage, detail } = refusal;
    const said = serverMessage ?? detail;
    const what = `stream connection failed${status === null ? '' : ` (HTTP ${status}${code ? ` ${code}` : ''})`}${said ? `: ${said}` : ''}`;
    const report = (message: string, retryInMs: number | null): void =>
      this.#report(new StreamConnectionError(message, { status, code, serverMessage, retryInMs }));
    if (status === 401) {
      if (this.#options.refreshableCredential && !this.#reasked) {
        // An expired token: the credential function is asked for a fresh one by the next connection.
        this.#reasked = true;
        this.#retryIn(0);
        report(what, 0);
        return;
      }
      report(
        `${what}. The credential was refused: pass a valid access token or irfl_ API key, or a function that returns a fresh one`,
        null,
      );
      this.close();
      return;
    }
    if (status !== null && FINAL_STATUSES.has(status)) {
      const hint =
        status === 404 ? ". Is url the server's base URL (such as https://ironflow.example.com)?" : '';
      // Retrying the same request cannot help: a bad query, a forbidden or unknown resource.
      report(`${what}${hint}`, null);
      this.close();
      return;
    }
    const delay = backoffDelay(this.#failures++, this.#options.backoff);
    this.#retryIn(delay);
    report(what, delay);
  }

  #retryIn(delay: number): void {
    this.#setState('reconnecting');
    if (this.#state === 'closed') return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#connect();
    }, delay);
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
    this.#call('onEvent', () => this.#handlers.onEvent(parsed.value as IronflowEvent, { id }));
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
/** What is known about a refused connection. */
interface Refusal {
  readonly status: number | null;
  readonly code: string | null;
  readonly serverMessage: string | null;
  /** The EventSource implementation's own text (`Non-200 status code (401)`), when there is no envelope. */
  readonly detail: string;
}

function statusOf(event: Event): number | null {
  const code = (event as { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

function messageOf(event: Event): string {
  const message = (event as { message?: unknown }).message;
  return typeof message === 'string' ? message : '';
}
