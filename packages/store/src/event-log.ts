import type { EventKind, EventKindName, IronflowEvent } from '@ironflow/engine';
import type { IdempotencyLease, IdempotentAnswer } from './idempotency-store.js';

/** One event as the log stored it. */
export interface StoredEvent {
  /** Position in the log's current epoch; consecutive, starting at 1. */
  readonly seq: number;
  /** `formatCursor(log.epoch, seq)`: the SSE `id`. */
  readonly cursor: string;
  /** `event.type`. With `runId` and `userId`, what routing and framing read without the event. */
  readonly kind: EventKind;
  /** `runIdOf(event)`: the run, `null` for the `user_*` kinds. */
  readonly runId: string | null;
  /** `userIdOf(event)`: the user a `user_*` event concerns, else `null`. */
  readonly userId: string | null;
  /**
   * The validated, canonical event. On what the memory log's reads return it is parsed from
   * `json` each time it is asked for (the log retains the JSON, not the parsed event); on what the
   * PostgreSQL log reads, when first asked for.
   */
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
  /** Only events of these kinds; omitted or empty means every kind (as `types=` in docs/PROTOCOL.md). */
  kinds?: readonly EventKindName[] | undefined;
  /**
   * Read as this (non-admin) user: `user_*` events only where they concern this user id (docs/PROTOCOL.md §3
   * "Who receives what"); other kinds are unaffected. Omitted: every user's, as an admin reads.
   * The backends filter in the read itself (indexes on kind and user), so a non-admin's replay
   * costs the events they may see, not the other users' events it would skip.
   */
  visibleTo?: string | undefined;
  /** At most this many events; a non-negative integer. */
  limit: number;
}

/** What {@link EventLog.readBefore} returns: the newest retained events with `seq < beforeSeq` that match. */
export interface EventLogReadBeforeOptions {
  /** Exclusive upper bound; `bounds().headSeq + 1` reads from the newest event. */
  beforeSeq: number;
  /** Only events of this run (compared in lower case). */
  runId?: string | undefined;
  /** Only events of these kinds; omitted or empty means every kind. */
  kinds?: readonly EventKindName[] | undefined;
  /** At most this many events; a non-negative integer. */
  limit: number;
}

/** What {@link EventLog.readLogLines} returns: a run's `log_line` events with `seq > afterSeq`. */
export interface LogLineQuery {
  /** The run (compared in lower case). */
  runId: string;
  /** Exclusive lower bound; 0 reads from the oldest retained line. */
  afterSeq: number;
  /** Only lines of this step (compared in lower case). */
  stepId?: string | undefined;
  /** Only lines of this stream (`stdout`, `stderr`, `system`). */
  stream?: string | undefined;
  /** At most this many lines; a non-negative integer. */
  limit: number;
}

/** What {@link EventLog.readPage} selects: one page of the matching events, newest first. */
export interface EventPageQuery {
  /** Matching events to skip, counted from the newest. */
  offset: number;
  /** At most this many events; a non-negative integer. */
  limit: number;
  /** Only events of this kind; a kind name no stored event has (e.g. `secrets_rotated`) matches nothing. */
  kind?: string | undefined;
  /** Only events of this run (compared in lower case). */
  runId?: string | undefined;
  /** Only events whose `at` is at or after this RFC 3339 time (any offset; microsecond precision). */
  from?: string | undefined;
  /** Only events whose `at` is at or before this RFC 3339 time. */
  to?: string | undefined;
}

/** One page of {@link EventLog.readPage}. */
export interface EventPage {
  /** The page, newest first. */
  readonly events: StoredEvent[];
  /** How many retained events match, over every page. */
  readonly total: number;
}

/** Options of {@link EventLog.append}. */
export interface AppendOptions {
  /**
   * Records the answer of an idempotent request with the batch: `answer(stored)` is recorded for
   * `lease`. The PostgreSQL log, given a lease of the PostgreSQL idempotency store on its schema,
   * commits both in one transaction, so a crash after the commit still leaves the answer stored;
   * if the lease was lost it stores nothing and throws `IdempotencyKeyInUseError`.
   */
  readonly idempotency?: {
    readonly lease: IdempotencyLease;
    answer(stored: readonly StoredEvent[]): IdempotentAnswer;
  };
}

/** The seqs the log holds now. */
export interface EventLogBounds {
  /** Seq of the oldest retained event; `null` when the log holds none. */
  oldestSeq: number | null;
  /** Seq of the newest event appended in this epoch; 0 before the first append. */
  headSeq: number;
}

/**
 * Whether the log's tail follows what is appended (docs/PROTOCOL.md §4 "Faults"). The memory log always
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
 * The durable, ordered event log: the single source of event order (docs/PROTOCOL.md section 4).
 * Every backend passes the shared contract suite `describeEventLog`.
 */
export interface EventLog {
  /** Identifies this incarnation of the log; cursors of another epoch cannot be resumed exactly. */
  readonly epoch: string;
  /**
   * Validates every item with the engine's `validateEvent`. If any item is invalid, throws
   * `EventValidationError` with a detail for every problem of every invalid item and stores
   * nothing. Otherwise stores the whole batch in order with consecutive seqs and resolves with it.
   * An empty batch stores nothing and resolves with `[]` (and records no idempotent answer).
   */
  append(inputs: readonly unknown[], options?: AppendOptions): Promise<StoredEvent[]>;
  /** Retained events after `afterSeq` matching the filters, ascending, at most `limit`. */
  read(options: EventLogReadOptions): Promise<StoredEvent[]>;
  /**
   * The newest `limit` retained events before `beforeSeq` matching the filters, newest first
   * (the stream's `backlog`). Walks the same indexes as `read`, backwards.
   */
  readBefore(options: EventLogReadBeforeOptions): Promise<StoredEvent[]>;
  /** A run's retained `log_line` events after `afterSeq`, ascending, through the run's index. */
  readLogLines(query: LogLineQuery): Promise<StoredEvent[]>;
  /** One page of the matching retained events, newest first, and how many match in all. */
  readPage(query: EventPageQuery): Promise<EventPage>;
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
