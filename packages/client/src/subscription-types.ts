import type { EventKind, EventOf } from '@ironflow/engine';
import type { Credential } from './credential.js';
import type { EventSourceConstructor, StreamFetch } from './event-source-like.js';

/**
 * Where a subscription is: `connecting` (first connection), `open`, `reconnecting` (after any
 * disconnect, until the stream is open again) or `closed` (by `close()`, or for good after a `400`, `401`, `403` or `404`).
 */
export type SubscriptionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The payload of the stream's `gap` message (docs/PROTOCOL.md §3), with exactly its keys. */
export interface GapNotice {
  /** The cursor the client asked to resume after. */
  readonly requested: string;
  /** The cursor just before the oldest retained event, or `null` when replay starts at the beginning of the log's epoch. */
  readonly resumed_after: string | null;
}

/** What comes with each event besides the event itself. */
export interface EventMeta {
  /** The event's cursor (the SSE `id:`), opaque and strictly increasing in log order. */
  readonly id: string;
}

/** @deprecated The same as {@link Credential}. */
export type TokenSource = Credential;

/** Backoff of the client's own reconnects (after the EventSource gave up): exponential with jitter. */
export interface ReconnectOptions {
  /** The ceiling of the first delay. @default 1000 */
  readonly initialDelayMs?: number;
  /** The largest ceiling; the ceiling doubles per failed attempt up to this. @default 30000 */
  readonly maxDelayMs?: number;
}

/** Options of {@link subscribe}; `K` is the kinds asked for in `types` (every kind when absent). */
export interface SubscribeOptions<K extends EventKind = EventKind> {
  /**
   * The server's base URL, such as `https://ironflow.example.com` (or `''` for the page's own
   * origin in a browser); `/api/v1/events` is appended. A path prefix is kept
   * (`https://example.com/ironflow` → `https://example.com/ironflow/api/v1/events`). A URL that
   * already ends in `/api/v1/events` is understood as its base; any other `/api/v1/…` path is
   * refused with the base to pass.
   */
  readonly url: string;
  /** Only events of this run. @default every run */
  readonly runId?: string;
  /** Only events of these kinds; the handlers then receive only these types. @default every kind */
  readonly types?: readonly K[];
  /**
   * Where to start: a cursor (resume after it), `'earliest'` (all retained history) or absent (live
   * events only, from the moment the stream is open).
   */
  readonly lastEventId?: string;
  /**
   * Sent as `Authorization: Bearer <credential>`: an access token, an `irfl_…` API key (scope
   * `events:read`), or a function asked for one before every connection and reconnection (so a
   * service can follow the stream for days with refreshed tokens or rotated keys). Needs an
   * EventSource that accepts a custom `fetch` (the `eventsource` package); browsers' EventSource
   * cannot send headers, use the `ironflow_token` cookie and `withCredentials` there.
   */
  readonly credential?: Credential;
  /** @deprecated Use `credential` (the same thing under its old name). */
  readonly token?: Credential;
  /** Send cookies cross-origin (the server must allow the origin). @default false */
  readonly withCredentials?: boolean;
  /**
   * The EventSource constructor. In Node 20, pass `EventSource` from the `eventsource` package.
   * @default globalThis.EventSource
   */
  readonly EventSource?: EventSourceConstructor;
  /**
   * The `fetch` under the token header, for an EventSource that accepts one.
   * @default globalThis.fetch
   */
  readonly fetch?: StreamFetch;
  /** Backoff of the client's own reconnects. */
  readonly reconnect?: ReconnectOptions;
}

/** The callbacks of {@link subscribe}. None is ever called after `close()`. */
export interface SubscriptionHandlers<K extends EventKind = EventKind> {
  /** Each event of the kinds asked for, validated with the engine's schema, in log order, once. */
  onEvent(event: EventOf<K>, meta: EventMeta): void;
  /** The server could not resume exactly: events between the two cursors are lost. @default reported to `onError` as `EventsLostError` */
  onGap?(gap: GapNotice): void;
  /** Every change of {@link Subscription.state} (not the initial `connecting`). */
  onStateChange?(state: SubscriptionState): void;
  /**
   * Invalid payloads, refused or failed connections (`StreamConnectionError` with the server's
   * status, code and message), lost events without `onGap`, and errors thrown by the other
   * handlers. @default console.error
   */
  onError?(error: Error): void;
}

/** A live subscription to the event stream. */
export interface Subscription {
  /** Stops everything: closes the EventSource and clears every timer. Idempotent. */
  close(): void;
  /**
   * Where the subscription would resume now: the cursor of the last event received, the start
   * point given (a cursor or `'earliest'`), or, right after a `gap`, its `resumed_after` (`'earliest'`
   * when that is `null`). `null` when nothing has been received on a live-only subscription.
   */
  readonly lastEventId: string | null;
  readonly state: SubscriptionState;
}
