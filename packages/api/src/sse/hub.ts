import { Http2ServerResponse } from 'node:http2';
import { type EventKindName, runIdOf, userIdOf } from '@ironflow/engine';
import { type EventLog, formatCursor, type StoredEvent } from '@ironflow/store';
import { serviceUnavailable, tooManyStreams, unavailableFor } from '../errors.js';
import { type AppLogger, silentLogger } from '../logger.js';
import { type CloseReason, Connection, type StreamSubscriber } from './connection.js';
import {
  CREDENTIALS_EXPIRED,
  eventFrame,
  eventFrameText,
  gapFrame,
  KEEP_ALIVE,
  preambleFrame,
} from './event-frames.js';
import { type HubMetrics, noHubMetrics } from './hub-metrics.js';
import { type HubOptions, type HubSettings, resolveHubSettings } from './hub-options.js';
import { type GapNotice, gapNotice, type ResumePlan } from './resume-plan.js';
import { openStreamSink } from './stream-head.js';
import { StreamIndex } from './stream-index.js';

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

/**
 * How long a stream the server ended may keep its connection: a client that neither reads the
 * end nor closes its side (a half-open or stalled peer) is cut after this, so that with the
 * shared timer's period (at most `tickMs`) its socket is released within docs/PROTOCOL.md's 5 seconds.
 */
export const RELEASE_GRACE_MS = 2_000;
/** Replay writes its frames in chunks of about this many characters. */
const REPLAY_CHUNK_CHARS = 16 * 1024;

/**
 * Creates the fan-out hub.
 *
 * @example
 * const hub = createHub({ log: createMemoryEventLog() });
 * hub.open({ res, userId, isAdmin: false, credential: `user:${userId}`, expiresAtMs, runId: null, kinds: null }, { afterSeq: null, gap: null });
 */
export function createHub(options: HubOptions): Hub {
  return new FanOutHub(options);
}

class FanOutHub implements Hub {
  private readonly log: EventLog;
  private readonly settings: HubSettings;
  private readonly preamble: Buffer;
  private readonly logger: AppLogger;
  private readonly metrics: HubMetrics;

  /** Every stream holding a connection: open, or ended and not yet released. */
  private readonly connections = new Set<Connection>();
  /** HTTP/1.1 streams by socket, to end one when a request is pipelined behind it. */
  private readonly streamOnSocket = new WeakMap<object, Connection>();
  /** Sockets with requests waiting behind an unfinished response, and how many. */
  private readonly waitingBehind = new WeakMap<object, number>();
  private readonly streamsByUser = new Map<string, number>();
  private readonly live = new StreamIndex();
  private readonly timer: NodeJS.Timeout;
  private readonly detachFromLog: () => void;
  /** Highest seq the log's tail has handed to the hub. */
  private dispatchedSeq: number;
  /** What was routed since the last flush. */
  private window = emptyWindow();
  private flushScheduled = false;
  private lastFlushMs = 0;
  private nextId = 1;
  private closing = false;

  constructor(options: HubOptions) {
    this.log = options.log;
    this.settings = resolveHubSettings(options);
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? noHubMetrics;
    this.preamble = preambleFrame(this.settings.retryMs);

    this.dispatchedSeq = this.log.bounds().headSeq;
    this.detachFromLog = this.log.subscribe((batch) => this.dispatch(batch));
    this.timer = setInterval(() => this.tick(), this.settings.tickMs);
    this.timer.unref();
  }

  open(subscriber: StreamSubscriber, plan: ResumePlan): void {
    // The client may have hung up while the route was planning (its 'close' has passed already).
    const { res } = subscriber;
    const socket = res.socket;
    if (socket === null || socket.destroyed || res.writableEnded) return;
    if (res instanceof Http2ServerResponse && res.stream.destroyed) return;
    if (this.waitingBehind.has(socket)) {
      // A request is pipelined behind this one: see notePipelined.
      socket.destroy();
      return;
    }
    if (this.closing) throw serviceUnavailable('server is shutting down');
    if (this.connections.size >= this.settings.maxStreams) throw serviceUnavailable('too many open streams');
    const unfollowed = this.unfollowedReason(Date.now());
    if (unfollowed !== null) throw unavailableFor(`${unfollowed}; resume on another instance`, 1);
    const userStreams = this.streamsByUser.get(subscriber.userId) ?? 0;
    if (userStreams >= this.settings.maxStreamsPerUser) throw tooManyStreams(this.settings.maxStreamsPerUser);

    const now = Date.now();
    const sink = openStreamSink(res, this.preamble);
    const conn = new Connection(this.nextId++, subscriber, sink, now);
    this.connections.add(conn);
    if (sink === socket) this.streamOnSocket.set(socket, conn);
    this.streamsByUser.set(subscriber.userId, userStreams + 1);
    this.metrics.streamOpened();

    // Errors of an HTTP/1.1 socket are handled by Node's HTTP server, which owns its error
    // listener; an Http2Stream needs one of ours (a reset by the client is an error there).
    if (sink !== socket) sink.on('error', ignoreStreamError);
    sink.on('close', () => this.release(conn));

    if (plan.afterSeq === null) {
      if (plan.gap) this.writeGap(conn, plan.gap);
      conn.lastSeq = this.dispatchedSeq;
      this.goLive(conn);
    } else {
      void this.replay(conn, plan.afterSeq, plan.gap);
    }
  }

  get size(): number {
    return this.connections.size;
  }

  inspect(): HubSnapshot {
    let live = 0;
    let releasing = 0;
    for (const conn of this.connections) {
      if (conn.live) live++;
      if (conn.closed) releasing++;
    }
    return {
      connections: this.connections.size,
      releasing,
      liveConnections: live,
      users: this.streamsByUser.size,
      indexEntries: this.live.size,
    };
  }

  endWhere(match: (subscriber: StreamSubscriber) => boolean, reason: CloseReason): number {
    let ended = 0;
    for (const conn of [...this.connections]) {
      if (conn.closed || !match(conn.subscriber)) continue;
      this.end(conn, reason);
      ended++;
    }
    return ended;
  }

  endAll(reason: CloseReason): number {
    return this.endWhere(() => true, reason);
  }

  notePipelined(socket: object, state: 'pipelined' | 'turn'): void {
    const waiting = (this.waitingBehind.get(socket) ?? 0) + (state === 'turn' ? -1 : 1);
    if (waiting > 0) this.waitingBehind.set(socket, waiting);
    else this.waitingBehind.delete(socket);
    if (state === 'turn') return;
    const conn = this.streamOnSocket.get(socket);
    if (conn === undefined) return;
    this.end(conn, 'pipelined');
  }

  async close(): Promise<void> {
    this.closing = true;
    this.detachFromLog();
    const released = [...this.connections].map(
      (conn) => new Promise<void>((resolve) => conn.sink.once('close', resolve)),
    );
    this.endAll('shutdown');
    // The shared timer keeps running until every connection is released: it cuts those whose
    // client does not take the end within the grace.
    await Promise.all(released);
    clearInterval(this.timer);
  }

  /**
   * Routes one appended batch from the log's tail: one frame per event, queued on every matching
   * stream; the streams are written by the next flush.
   */
  private dispatch(batch: readonly StoredEvent[]): void {
    const window = this.window;
    for (const stored of batch) {
      if (stored.seq <= this.dispatchedSeq) continue;
      this.dispatchedSeq = stored.seq;
      let frame: Buffer | undefined;
      const userId = userIdOf(stored.event);
      this.live.forEachMatch(runIdOf(stored.event), stored.event.type, (conn) => {
        if (stored.seq <= conn.lastSeq) return; // already sent by this stream's replay
        if (userId !== null && !maySee(conn.subscriber, userId)) return;
        conn.lastSeq = stored.seq;
        if (frame === undefined) {
          frame = eventFrame(stored);
          window.frames.push(frame);
          window.appendedAtMs ??= stored.appendedAtMs;
        }
        if (conn.pending.length === 0) window.touched.push(conn);
        conn.pending.push(frame);
      });
    }
    if (window.touched.length > 0) this.scheduleFlush();
  }

  /**
   * Flushes at once after a quiet spell, else `flushIntervalMs` after the last flush ended, so
   * that under load each stream gets one write for everything appended in between.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = this.lastFlushMs + this.settings.flushIntervalMs - Date.now();
    if (wait <= 0) setImmediate(this.flush);
    else setTimeout(this.flush, wait);
  }

  /** Writes every stream's queued frames: one write per stream. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const { touched, frames, appendedAtMs } = this.window;
    this.window = emptyWindow();
    const now = Date.now();
    let delivered = 0;
    // A stream's pending frames are an in-order subset of `frames`, so one that has as many has
    // all of them: those streams share one joined buffer, built once.
    let joined: Buffer | undefined;
    for (const conn of touched) {
      if (conn.closed) continue;
      // Close rather than skip: the client reconnects with its cursor and catches up from the log.
      if (conn.bufferedBytes > this.settings.maxBufferedBytes) {
        conn.pending = [];
        this.end(conn, 'slow');
        continue;
      }
      delivered += conn.pending.length;
      if (frames.length > 1 && conn.pending.length === frames.length) {
        joined ??= Buffer.concat(frames);
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

  /** Sends retained events after `afterSeq` in pages paced by the client, then joins the live tail. */
  private async replay(conn: Connection, afterSeq: number, gap: GapNotice | null): Promise<void> {
    const { kinds, runId } = conn.subscriber;
    const kindList: EventKindName[] | undefined = kinds === null ? undefined : [...kinds];
    const deliveredBefore = conn.delivered;
    try {
      if (gap) this.writeGap(conn, gap);
      conn.lastSeq = afterSeq;
      for (;;) {
        const { oldestSeq, headSeq } = this.log.bounds();
        if (oldestSeq !== null && oldestSeq > conn.lastSeq + 1) {
          // Retention evicted events this stream had not reached yet: say so, never skip silently.
          const requested = formatCursor(this.log.epoch, Math.max(conn.lastSeq, 1));
          this.writeGap(conn, gapNotice(requested, formatCursor(this.log.epoch, oldestSeq - 1)));
          conn.lastSeq = oldestSeq - 1;
        }
        const page = await this.log.read({
          afterSeq: conn.lastSeq,
          runId: runId ?? undefined,
          kinds: kindList,
          // Filtered in the read: a non-admin's replay costs what they may see (docs/PROTOCOL.md §3).
          visibleTo: conn.subscriber.isAdmin ? undefined : conn.subscriber.userId,
          limit: this.settings.replayPageSize,
        });
        if (conn.closed) return;
        // Written in chunks of frames, not one write per event: in a resume storm thousands of
        // streams each replay a page at once.
        let chunk = '';
        let frames = 0;
        for (const [index, stored] of page.entries()) {
          conn.lastSeq = stored.seq;
          const userId = userIdOf(stored.event);
          if (userId === null || maySee(conn.subscriber, userId)) {
            chunk += eventFrameText(stored);
            frames++;
          }
          if (chunk.length < REPLAY_CHUNK_CHARS && index < page.length - 1) continue;
          if (frames > 0) this.sendReplayed(conn, chunk, frames);
          chunk = '';
          frames = 0;
          if (conn.bufferedBytes >= this.settings.replayPauseBytes) {
            await conn.drained();
            if (conn.closed) return;
          }
        }
        if (page.length < this.settings.replayPageSize) {
          // The read saw every matching event up to the head it started from.
          conn.lastSeq = Math.max(conn.lastSeq, headSeq);
          if (conn.lastSeq >= this.dispatchedSeq) {
            this.goLive(conn);
            this.metrics.replayFinished(conn.delivered - deliveredBefore);
            return;
          }
        }
      }
    } catch (error) {
      this.logger.error({ err: error, stream: conn.id }, 'stream replay failed');
      this.end(conn, 'error');
    }
  }

  private sendReplayed(conn: Connection, chunk: string, frames: number): void {
    conn.write(chunk, Date.now());
    conn.delivered += frames;
    this.metrics.delivered(frames);
  }

  private writeGap(conn: Connection, gap: GapNotice): void {
    conn.write(gapFrame(gap), Date.now());
    this.metrics.gapSent();
  }

  private goLive(conn: Connection): void {
    if (conn.closed) return;
    conn.live = true;
    this.live.add(conn);
  }

  /**
   * Why this instance must not hold streams now: its tail has not followed the log for longer
   * than `followGraceMs` (its streams would silently receive nothing); null while it may.
   */
  private unfollowedReason(now: number): string | null {
    const tail = this.log.tailStatus();
    if (tail.following || now - tail.sinceMs <= this.settings.followGraceMs) return null;
    return `this instance has not followed the event log for ${Math.round((now - tail.sinceMs) / 1000)} s (${tail.reason ?? 'unknown'})`;
  }

  /**
   * The shared timer: token expiry and keep-alives for every stream in one pass, and the release
   * of ended streams whose client has not let go within the grace.
   */
  private tick(): void {
    const now = Date.now();
    // A stream of an instance that does not follow the log would silently receive nothing.
    const unfollowed = this.unfollowedReason(now);
    let ended = 0;
    for (const conn of this.connections) {
      if (conn.closed) {
        if (now - conn.endedAtMs >= RELEASE_GRACE_MS) conn.sink.destroy();
      } else if (unfollowed !== null) {
        this.end(conn, 'unavailable');
        ended++;
      } else if (now >= conn.subscriber.expiresAtMs) {
        this.end(conn, 'expired');
      } else if (now - conn.lastWriteMs >= this.settings.keepAliveMs) {
        conn.write(KEEP_ALIVE, now);
      }
    }
    if (ended > 0) this.logger.warn({ streams: ended }, `${unfollowed}: ended its streams`);
  }

  /**
   * Ends a stream: gracefully (`end`, released by the timer if the client does not take it)
   * unless the client is too slow to take the end, or broke the protocol.
   */
  private end(conn: Connection, reason: CloseReason): void {
    if (conn.closed) return;
    if (reason === 'slow' || reason === 'error' || reason === 'pipelined') {
      this.retire(conn, reason);
      conn.sink.destroy();
    } else {
      // What was routed to it goes out before the end (at shutdown: every event acknowledged).
      conn.flushPending(Date.now());
      if (reason === 'expired') conn.write(CREDENTIALS_EXPIRED, Date.now());
      this.retire(conn, reason);
      conn.endedAtMs = Date.now();
      conn.sink.end();
    }
  }

  /** The connection is gone: it stops counting against the limits. */
  private release(conn: Connection): void {
    this.retire(conn, 'client');
    this.connections.delete(conn);
    this.streamOnSocket.delete(conn.sink);
    const userId = conn.subscriber.userId;
    const left = (this.streamsByUser.get(userId) ?? 1) - 1;
    if (left === 0) this.streamsByUser.delete(userId);
    else this.streamsByUser.set(userId, left);
  }

  /** Nothing more is written to the stream; it counts against the limits until released. */
  private retire(conn: Connection, reason: CloseReason): void {
    if (conn.closed) return;
    conn.closed = true;
    conn.pending = [];
    if (conn.live) this.live.remove(conn);
    conn.live = false;
    const userId = conn.subscriber.userId;
    this.metrics.streamClosed(reason);
    this.logger.info(
      {
        stream: conn.id,
        user: userId,
        reason,
        delivered: conn.delivered,
        durationMs: Date.now() - conn.openedAtMs,
      },
      'stream closed',
    );
  }
}

/** Streams with queued frames, and those frames in log order, since the last flush. */
interface FlushWindow {
  readonly touched: Connection[];
  readonly frames: Buffer[];
  appendedAtMs: number | undefined;
}

function emptyWindow(): FlushWindow {
  return { touched: [], frames: [], appendedAtMs: undefined };
}

/** A client resetting its HTTP/2 stream is a hang-up, seen through 'close'. */
function ignoreStreamError(): void {}

/** `user_*` events reach admins and the user they concern only (docs/PROTOCOL.md §3). */
function maySee(subscriber: StreamSubscriber, userId: string): boolean {
  return subscriber.isAdmin || subscriber.userId === userId;
}
