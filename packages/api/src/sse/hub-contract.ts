import type { CloseReason, StreamSubscriber } from './connection.js';
import type { ResumePlan } from './resume-plan.js';

/** Counts of what the hub holds, to prove nothing outlives a connection. */
export interface HubSnapshot {
  /** Streams holding a connection, open or ended by the server but not yet released. */
  readonly connections: number;
  /** Streams the server ended whose client has not let go yet (released within the grace). */
  readonly releasing: number;
  readonly liveConnections: number;
  readonly users: number;
  readonly indexEntries: number;
}

/** The fan-out hub: routes the log's ordered tail to matching SSE streams. */
export interface Hub {
  /**
   * Opens a stream on `subscriber.res`: checks the limits (throws `429`/`503` before writing
   * anything), flushes the headers, `retry:` and a comment, then replays per `plan` and goes live.
   */
  open(subscriber: StreamSubscriber, plan: ResumePlan): void;
  inspect(): HubSnapshot;
  /** Streams holding a connection (they count against the limits until released). */
  readonly size: number;
  /**
   * Ends every open stream whose subscriber `match`es, as at expiry: what was routed to it is
   * written, then the stream ends, and its connection is released within the grace whatever the
   * client does. Returns how many streams it ended. The hub stays open.
   */
  endWhere(match: (subscriber: StreamSubscriber) => boolean, reason: CloseReason): number;
  /** {@link Hub.endWhere} for every stream, e.g. when this instance can no longer follow the log. */
  endAll(reason: CloseReason): number;
  /**
   * Called for a request that arrived on an HTTP/1.1 connection behind a response still in
   * progress, while it waits for its turn (`pipelined`), and when it gets it (`turn`). A stream is
   * the last response its connection carries: a stream on that connection is ended, one being
   * set up is refused, and the connection is destroyed, so the waiting request never runs.
   */
  notePipelined(socket: object, state: 'pipelined' | 'turn'): void;
  /** Ends every stream cleanly, releases their connections, stops the timer, detaches from the log. */
  close(): Promise<void>;
}
