import type { EventKind, IronflowEvent } from '@ironflow/engine';

/** One event as the log stored it. */
export interface StoredEvent {
  /** Position in the log's current epoch; consecutive, starting at 1. */
  readonly seq: number;
  /** `formatCursor(log.epoch, seq)`: the SSE `id`. */
  readonly cursor: string;
  /** The validated, canonical event. */
  readonly event: IronflowEvent;
  /** `serializeEvent(event)`, computed once at append: the SSE `data:` and the webhook body. */
  readonly json: string;
  /**
   * When the append that stored it committed, in epoch milliseconds, where the backend knows it;
   * the hub measures publish-to-send latency from it.
   */
  readonly appendedAtMs?: number;
}

/** What {@link EventLog.read} returns: retained events with `seq > afterSeq` that match. */
export interface EventLogReadOptions {
  /** Exclusive lower bound; 0 reads from the oldest retained event. */
  afterSeq: number;
  /** Only events of this run (compared in lower case); `user_*` events have no run. */
  runId?: string | undefined;
  /** Only events of these kinds; omitted or empty means every kind (as `types=` in the SPEC). */
  kinds?: readonly EventKind[] | undefined;
  /** At most this many events; a non-negative integer. */
  limit: number;
}

/** The seqs the log holds now. */
export interface EventLogBounds {
  /** Seq of the oldest retained event; `null` when the log holds none. */
  oldestSeq: number | null;
  /** Seq of the newest event appended in this epoch; 0 before the first append. */
  headSeq: number;
}

/**
 * Whether the log's tail follows what is appended (SPEC §4 "Faults"). The memory log always
 * does; the PostgreSQL log does while its LISTEN connection is up and the catch-up after it
 * succeeded, and not while it reconnects or retries.
 */
export interface TailStatus {
  /** True while every committed event reaches the subscribers. */
  readonly following: boolean;
  /** When `following` last changed (epoch ms); the log's creation at first. */
  readonly sinceMs: number;
  /** Why it does not follow (e.g. `LISTEN connection lost: …`); null while following. */
  readonly reason: string | null;
}

/** Receives each appended batch once, in seq order. */
export type EventLogListener = (batch: readonly StoredEvent[]) => void;

/**
 * The durable, ordered event log: the single source of event order (SPEC section 4).
 * Every backend passes the shared contract suite `describeEventLog`.
 */
export interface EventLog {
  /** Identifies this incarnation of the log; cursors of another epoch cannot be resumed exactly. */
  readonly epoch: string;
  /**
   * Validates every item with the engine's `validateEvent`. If any item is invalid, throws
   * `EventValidationError` with a detail for every problem of every invalid item and stores
   * nothing. Otherwise stores the whole batch in order with consecutive seqs and resolves with it.
   * An empty batch stores nothing and resolves with `[]`.
   */
  append(inputs: readonly unknown[]): Promise<StoredEvent[]>;
  /** Retained events after `afterSeq` matching the filters, ascending, at most `limit`. */
  read(options: EventLogReadOptions): Promise<StoredEvent[]>;
  bounds(): EventLogBounds;
  /**
   * The ordered tail: every batch appended after subscribing is delivered once, in seq order.
   * Returns the function that unsubscribes.
   */
  subscribe(listener: EventLogListener): () => void;
  /** Whether the tail follows the log now, and since when. */
  tailStatus(): TailStatus;
  /**
   * Resolves when the backing store answers a trivial query; rejects with
   * `StoreUnavailableError` otherwise (within the store's timeout). For readiness checks.
   */
  ping(): Promise<void>;
  /** Applies time-based retention and resolves with the number of events removed. */
  prune(): Promise<number>;
  /** Releases subscribers and resources; later appends and reads reject with `EventLogClosedError`. */
  close(): Promise<void>;
}
