import type { StoredEvent } from '@ironflow/store';
import type { Connection } from './connection.js';
import { eventFrameText } from './event-frames.js';
import type { HubMetrics } from './hub-metrics.js';
import type { HubSettings } from './hub-options.js';
import { type MatchVisitor, StreamIndex } from './stream-index.js';
import { maySee } from './visibility.js';

/** Routed events in one flush window that make it a burst, written without waiting. */
export const FLUSH_AT_ONCE_EVENTS = 64;

/**
 * The live half of the hub: routes the log's ordered tail to the live streams that match, and
 * writes what was routed in flush windows (one write per stream per window).
 */
export class LiveFanOut {
  private readonly index = new StreamIndex();
  /** Highest seq the log's tail has handed to the hub. */
  dispatchedSeq: number;
  /** What was routed since the last flush. */
  private window = emptyWindow();
  /** Queues the event being dispatched on each matching stream (one object, reused per event). */
  private readonly routing = new EventRouting();
  private flushScheduled = false;
  /** The pending flush's timer, while it waits out the interval. */
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlushMs = 0;

  constructor(
    private readonly settings: HubSettings,
    private readonly metrics: HubMetrics,
    headSeq: number,
    /** Ends a stream whose client does not keep up (it resumes from the log with its cursor). */
    private readonly endSlow: (conn: Connection) => void,
  ) {
    this.dispatchedSeq = headSeq;
  }

  /** Index entries held; zero once every stream has left. */
  get indexEntries(): number {
    return this.index.size;
  }

  /** From now on `conn` receives every matching event after its `lastSeq`. */
  add(conn: Connection): void {
    if (conn.closed) return;
    conn.live = true;
    this.index.add(conn);
  }

  remove(conn: Connection): void {
    if (conn.live) this.index.remove(conn);
    conn.live = false;
  }

  /**
   * Routes one appended batch from the log's tail: one frame per event, queued on every matching
   * stream; the streams are written by the next flush.
   */
  dispatch(batch: readonly StoredEvent[]): void {
    const routing = this.routing;
    routing.window = this.window;
    for (const stored of batch) {
      if (stored.seq <= this.dispatchedSeq) continue;
      this.dispatchedSeq = stored.seq;
      routing.start(stored);
      this.index.forEachMatch(stored.runId, stored.kind, routing);
    }
    routing.clear();
    if (this.window.touched.length > 0) this.scheduleFlush();
  }

  /**
   * Flushes at once after a quiet spell, else `flushIntervalMs` after the last flush ended, so
   * that under load each stream gets one write for everything appended in between. "At once" is
   * a `nextTick`: it runs as soon as the code that appended is done (the append's request has
   * written its answer, so its client can send the next one while the streams are written),
   * before any other I/O. `setImmediate` made every event after a quiet spell wait behind the
   * rest of the event loop's poll phase. A window that already holds a burst
   * ({@link FLUSH_AT_ONCE_EVENTS}) is flushed at once too: waiting would add latency to many
   * events to save few writes (S2: p50 halved, same throughput).
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) {
      if (this.flushTimer === undefined || this.window.frames.length < FLUSH_AT_ONCE_EVENTS) return;
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      process.nextTick(this.flush);
      return;
    }
    this.flushScheduled = true;
    const wait = this.lastFlushMs + this.settings.flushIntervalMs - Date.now();
    if (wait <= 0 || this.window.frames.length >= FLUSH_AT_ONCE_EVENTS) process.nextTick(this.flush);
    else this.flushTimer = setTimeout(this.flush, wait);
  }

  /** Writes every stream's queued frames: one write per stream. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const { touched, frames, appendedAtMs } = this.window;
    this.window = emptyWindow();
    const now = Date.now();
    let delivered = 0;
    // A stream's pending frames are an in-order subset of `frames`, so one that has as many has
    // all of them: those streams share one joined buffer, encoded once. The others write their
    // own text, which the socket encodes straight into its write (no Buffer per frame: with
    // filtered streams most frames go to one stream only).
    let joined: Buffer | undefined;
    for (const conn of touched) {
      if (conn.closed) continue;
      // Close rather than skip: the client reconnects with its cursor and catches up from the log.
      if (conn.bufferedBytes > this.settings.maxBufferedBytes) {
        conn.pending = [];
        this.endSlow(conn);
        continue;
      }
      delivered += conn.pending.length;
      if (conn.pending.length === frames.length) {
        joined ??= Buffer.from(frames.length === 1 ? (frames[0] as string) : frames.join(''));
        conn.flushJoined(joined, now);
      } else {
        conn.flushPending(now);
      }
    }
    this.lastFlushMs = Date.now();
    this.metrics.delivered(delivered);
    if (appendedAtMs !== undefined)
      this.metrics.publishToSend(Math.max(0, this.lastFlushMs - appendedAtMs) / 1000);
  };
}

/** Streams with queued frames, and those frames in log order, since the last flush. */
interface FlushWindow {
  readonly touched: Connection[];
  readonly frames: string[];
  appendedAtMs: number | undefined;
}

/** Held by the router between dispatches; never filled (only dispatch routes). */
const IDLE_WINDOW: FlushWindow = Object.freeze({ touched: [], frames: [], appendedAtMs: undefined });

function emptyWindow(): FlushWindow {
  return { touched: [], frames: [], appendedAtMs: undefined };
}

/**
 * Queues one event on the streams the index matched: its frame is built at the first stream that
 * may see it, once, and shared by the others.
 */
class EventRouting implements MatchVisitor {
  /** The flush window being filled; set by each dispatch. */
  window: FlushWindow = IDLE_WINDOW;
  private stored: StoredEvent | undefined;
  private frame: string | undefined;

  start(stored: StoredEvent): void {
    this.stored = stored;
    this.frame = undefined;
  }

  /** Lets go of the last event and of the window, so neither outlives its dispatch. */
  clear(): void {
    this.stored = undefined;
    this.frame = undefined;
    this.window = IDLE_WINDOW;
  }

  visit(conn: Connection): void {
    const stored = this.stored as StoredEvent;
    if (stored.seq <= conn.lastSeq) return; // already sent by this stream's replay
    if (stored.userId !== null && !maySee(conn.subscriber, stored.userId)) return;
    conn.lastSeq = stored.seq;
    let frame = this.frame;
    if (frame === undefined) {
      frame = eventFrameText(stored);
      this.frame = frame;
      this.window.frames.push(frame);
      this.window.appendedAtMs ??= stored.appendedAtMs;
    }
    if (conn.pending.length === 0) this.window.touched.push(conn);
    conn.pending.push(frame);
  }
}
