import { Http2ServerResponse } from 'node:http2';
import type { Writable } from 'node:stream';
import type { EventLog } from '@ironflow/store';
import { serviceUnavailable, tooManyStreams, unavailableFor } from '../errors.js';
import { type AppLogger, silentLogger } from '../logger.js';
import { type CloseReason, Connection, type StreamSubscriber } from './connection.js';
import { CREDENTIALS_EXPIRED, KEEP_ALIVE, preambleFrame } from './event-frames.js';
import type { Hub, HubSnapshot } from './hub-contract.js';
import { type HubMetrics, noHubMetrics } from './hub-metrics.js';
import { type HubOptions, type HubSettings, resolveHubSettings } from './hub-options.js';
import { LiveFanOut } from './live-fan-out.js';
import { PipeliningGuard } from './pipelining-guard.js';
import { type ReplayHost, replay, sendGap } from './replay.js';
import { SharedReplayChunks } from './replay-chunks.js';
import type { ResumePlan } from './resume-plan.js';
import { openStreamSink } from './stream-head.js';
import { UserStreamCounts } from './user-stream-counts.js';

export type { Hub, HubSnapshot } from './hub-contract.js';

/**
 * How long a stream the server ended may keep its connection: a client that neither reads the
 * end nor closes its side (a half-open or stalled peer) is cut after this, so that with the
 * shared timer's period (at most `tickMs`) its socket is released within docs/PROTOCOL.md's 5 seconds.
 */
export const RELEASE_GRACE_MS = 2_000;

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

/**
 * Owns the streams' lifecycle: admission (limits, pipelining, an unfollowed log), the shared
 * timer (keep-alives, expiry, release), ending and releasing. Routing the tail is
 * {@link LiveFanOut}'s job, catching up from the log {@link replay}'s.
 */
class FanOutHub implements Hub {
  private readonly log: EventLog;
  private readonly settings: HubSettings;
  private readonly preamble: Buffer;
  private readonly logger: AppLogger;
  private readonly metrics: HubMetrics;

  /** Every stream holding a connection: open, or ended and not yet released. */
  private readonly connections = new Set<Connection>();
  private readonly pipelining = new PipeliningGuard();
  private readonly streamsByUser = new UserStreamCounts();
  private readonly fanOut: LiveFanOut;
  private readonly replayHost: ReplayHost;
  private readonly timer: NodeJS.Timeout;
  private readonly detachFromLog: () => void;
  private nextId = 1;
  private closing = false;

  constructor(options: HubOptions) {
    this.log = options.log;
    this.settings = resolveHubSettings(options);
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? noHubMetrics;
    this.preamble = preambleFrame(this.settings.retryMs);

    const fanOut = new LiveFanOut(this.settings, this.metrics, this.log.bounds().headSeq, (conn) =>
      this.end(conn, 'slow'),
    );
    this.fanOut = fanOut;
    this.replayHost = {
      log: this.log,
      settings: this.settings,
      metrics: this.metrics,
      logger: this.logger,
      chunks: new SharedReplayChunks(),
      get dispatchedSeq() {
        return fanOut.dispatchedSeq;
      },
      goLive: (conn) => fanOut.add(conn),
      end: (conn, reason) => this.end(conn, reason),
    };
    this.detachFromLog = this.log.subscribe((batch) => fanOut.dispatch(batch));
    this.timer = setInterval(() => this.tick(), this.settings.tickMs);
    this.timer.unref();
  }

  open(subscriber: StreamSubscriber, plan: ResumePlan): void {
    // The client may have hung up while the route was planning (its 'close' has passed already).
    const { res } = subscriber;
    const socket = res.socket;
    if (socket === null || socket.destroyed || res.writableEnded) return;
    if (res instanceof Http2ServerResponse && res.stream.destroyed) return;
    if (this.pipelining.hasWaiting(socket)) {
      // A request is pipelined behind this one: see notePipelined.
      socket.destroy();
      return;
    }
    if (this.closing) throw serviceUnavailable('server is shutting down');
    if (this.connections.size >= this.settings.maxStreams) throw serviceUnavailable('too many open streams');
    const unfollowed = this.unfollowedReason(Date.now());
    if (unfollowed !== null) throw unavailableFor(`${unfollowed}; resume on another instance`, 1);
    if (this.streamsByUser.of(subscriber.userId) >= this.settings.maxStreamsPerUser)
      throw tooManyStreams(this.settings.maxStreamsPerUser);

    const now = Date.now();
    // A resuming stream's head and the replay's first writes go out in one system call: held
    // until the replay has written what it could without waiting (a read from memory, all of
    // it), at most until this tick ends. In a reconnect storm that is a write or more less for
    // each of thousands of streams.
    const held = plan.afterSeq === null ? null : res instanceof Http2ServerResponse ? res.stream : socket;
    if (held !== null) {
      held.cork();
      process.nextTick(uncork, held);
    }
    const sink = openStreamSink(res, this.preamble);
    const conn = new Connection(this.nextId++, subscriber, sink, now);
    this.connections.add(conn);
    if (sink === socket) this.pipelining.streamOpened(socket, conn);
    this.streamsByUser.add(subscriber.userId);
    this.metrics.streamOpened();

    // Errors of an HTTP/1.1 socket are handled by Node's HTTP server, which owns its error
    // listener; an Http2Stream needs one of ours (a reset by the client is an error there).
    if (sink !== socket) sink.on('error', ignoreStreamError);
    sink.on('close', () => this.release(conn));

    if (plan.afterSeq === null) {
      if (plan.gap) sendGap(conn, plan.gap, this.metrics);
      conn.lastSeq = this.fanOut.dispatchedSeq;
      this.fanOut.add(conn);
    } else {
      void replay(this.replayHost, conn, plan.afterSeq, plan.gap);
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
      users: this.streamsByUser.users,
      indexEntries: this.fanOut.indexEntries,
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
    const stuckBehind = this.pipelining.note(socket, state);
    if (stuckBehind !== undefined) this.end(stuckBehind, 'pipelined');
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
    this.replayHost.chunks.evict(now);
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
    this.pipelining.streamReleased(conn.sink);
    this.streamsByUser.remove(conn.subscriber.userId);
  }

  /** Nothing more is written to the stream; it counts against the limits until released. */
  private retire(conn: Connection, reason: CloseReason): void {
    if (conn.closed) return;
    conn.closed = true;
    conn.pending = [];
    this.fanOut.remove(conn);
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

function uncork(stream: Writable): void {
  stream.uncork();
}

/** A client resetting its HTTP/2 stream is a hang-up, seen through 'close'. */
function ignoreStreamError(): void {}
