import type { EventInputOf, EventKind, LogStream, RunStatusChange } from '@ironflow/engine';
import type { Credential } from './credential.js';
import type { StreamFetch } from './event-source-like.js';

/** Any event to publish, in the input form of its kind (defaults such as `at` may be left out). */
export type PublishableEvent = { [K in EventKind]: EventInputOf<K> }[EventKind];

/** The server's answer to an accepted batch: `202 {"data":{"accepted","first_id","last_id"}}`. */
export interface IngestAnswer {
  /** How many events of this call were stored. */
  readonly accepted: number;
  /**
   * The cursor of the first event of the request that carried this call's first event (`null` when
   * nothing was stored). Calls made together may share a request and so these bounds; the call's own
   * events always lie between `first_id` and `last_id`, in the order given.
   */
  readonly first_id: string | null;
  /** The cursor of the last event of the request that carried this call's last event. */
  readonly last_id: string | null;
}

/** The body of `publishLogs`: the step's lines, each stored as a `log_line` event. */
export interface LogBatch {
  readonly step_id: string;
  readonly step_name: string;
  readonly stream: LogStream;
  readonly lines: readonly string[];
}

/** How failed requests are retried: exponential backoff with jitter, `Retry-After` honoured. */
export interface IngestRetryOptions {
  /** Requests per batch, the first included. @default 8 */
  readonly maxAttempts?: number;
  /** Ceiling of the first backoff. @default 200 */
  readonly initialDelayMs?: number;
  /** Largest backoff, and the cap on a server's `Retry-After`. @default 30000 */
  readonly maxDelayMs?: number;
}

/** Options of {@link createIngestClient}. */
export interface IngestClientOptions {
  /**
   * The server's base URL, such as `https://ironflow.example.com` (a path prefix is kept; a URL that
   * already ends in `/api/v1/internal/events` is understood as its base).
   */
  readonly url: string;
  /** The worker token, an `irfl_…` API key with the `events:write` scope, or a function returning one. */
  readonly credential: Credential;
  /** Most events in one request (the server takes at most 1000). @default 1000 */
  readonly maxBatchEvents?: number;
  /** Most bytes of JSON in one request (the server takes at most 2 MiB). @default 2097152 */
  readonly maxBatchBytes?: number;
  /**
   * How long the first event of an idle client waits for others to share its request. Calls made in
   * the same tick, or while a request is in flight, are batched anyway. @default 0
   */
  readonly lingerMs?: number;
  /** Time allowed for one request, after which it is retried. @default 30000 */
  readonly requestTimeoutMs?: number;
  readonly retry?: IngestRetryOptions;
  /** The `fetch` used for every request. @default globalThis.fetch */
  readonly fetch?: StreamFetch;
}

/** A producer's client of the ingest routes. */
export interface IngestClient {
  /**
   * Validates the events with the engine's schemas and stores them, in the order given and after
   * those of earlier calls. Up to `maxBatchEvents` events (and `maxBatchBytes`) are stored
   * atomically; a longer list is sent in several requests, each atomic.
   * @throws {IngestError} (as a rejection) when an event is invalid, too large, or refused.
   */
  publish(events: PublishableEvent | readonly PublishableEvent[]): Promise<IngestAnswer>;
  /** Stores log lines of one step of `runId` (`POST /api/v1/internal/runs/{run_id}/logs`), 1000 lines a request. */
  publishLogs(runId: string, batch: LogBatch): Promise<IngestAnswer>;
  /**
   * Stores a run's status change as the engine's helpers build it: `run_status_changed`, then
   * `run_failed` when `to` is `failed`, in one atomic request.
   * @throws {IngestError} with code `INVALID_STATUS_CHANGE` or `VALIDATION_FAILED` before sending.
   */
  publishRunStatusChange(change: RunStatusChange): Promise<IngestAnswer>;
  /** Resolves once every call made so far has been answered. */
  flush(): Promise<void>;
  /** Refuses new calls (`CLIENT_CLOSED`) and resolves once the pending ones are answered. */
  close(): Promise<void>;
}
