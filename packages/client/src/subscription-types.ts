import type { EventKind, IronflowEvent } from '@ironflow/engine';
import type { EventSourceConstructor, StreamFetch } from './event-source-like.js';

/**
 * Where a subscription is: `connecting` (first connection), `open`, `reconnecting` (after any
 * disconnect, until the stream is open again) or `closed` (by `close()`, or for good after a `400`).
 */
export type SubscriptionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The payload of the stream's `gap` message (SPEC §3), with exactly its keys. */
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

/** An access token, or a function asked for one before every connection attempt (so it may refresh). */
export type TokenSource = string | (() => string | Promise<string>);

/** Backoff of the client's own reconnects (after the EventSource gave up): exponential with jitter. */
export interface ReconnectOptions {
  /** The ceiling of the first delay. @default 1000 */
  readonly initialDelayMs?: number;
  /** The largest ceiling; the ceiling doubles per failed attempt up to this. @default 30000 */
  readonly maxDelayMs?: number;
}

/** Options of {@link subscribe}. */
export interface SubscribeOptions {
  /**
   * The server's base URL, such as `https://ironflow.example.com` (or `''` for the page's own
   * origin in a browser); `/api/v1/events` is appended. A path prefix is kept
   * (`https://example.com/ironflow` → `https://example.com/ironflow/api/v1/events`).
   */
  readonly url: string;
  /** Only events of this run. @default every run */
  readonly runId?: string;
  /** Only events of these kinds. @default every kind */
  readonly types?: readonly EventKind[];
  /**
   * Where to start: a cursor (resume after it), `'earliest'` (all retained history) or absent (live
   * events only, from the moment the stream is open).
   */
  readonly lastEventId?: string;
  /**
   * Sent as `Authorization: Bearer <token>`. Needs an EventSource that accepts a custom `fetch`
   * (the `eventsource` package); browsers' EventSource cannot send headers, use the
   * `ironflow_token` cookie and `withCredentials` there.
   */
  readonly token?: TokenSource;
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
export interface SubscriptionHandlers {
  /** Each event, validated with the engine's schema, in log order, once. */
  onEvent(event: IronflowEvent, meta: EventMeta): void;
  /** The server could not resume exactly: events between the two cursors are lost. @default reported to `onError` as `EventsLostError` */
  onGap?(gap: GapNotice): void;
  /** Every change of {@link Subscription.state} (not the initial `connecting`). */
  onStateChange?(state: SubscriptionState): void;
  /**
   * Invalid payloads, connections the EventSource gave up on, lost events without `onGap`, and
   * errors thrown by the other handlers. @default console.error
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
