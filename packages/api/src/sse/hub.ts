import { type EventKind, runIdOf, userIdOf } from '@ironflow/engine';
import { type EventLog, formatCursor, type StoredEvent } from '@ironflow/store';
import { serviceUnavailable, tooManyStreams } from '../errors.js';
import { type AppLogger, silentLogger } from '../logger.js';
import { type CloseReason, Connection, type StreamSubscriber } from './connection.js';
import { eventFrame, eventFrameText, gapFrame, KEEP_ALIVE, preambleFrame } from './event-frames.js';
import { type HubMetrics, noHubMetrics } from './hub-metrics.js';
import { type HubOptions, type HubSettings, resolveHubSettings } from './hub-options.js';
import { type GapNotice, gapNotice, type ResumePlan } from './resume-plan.js';
import { takeStreamHead } from './stream-head.js';
import { StreamIndex } from './stream-index.js';

/** Counts of what the hub holds, to prove nothing outlives a connection. */
export interface HubSnapshot {
  readonly connections: number;
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
  /** Open streams, replaying or live. */
  readonly size: number;
  /** Ends every stream cleanly, stops the timer and detaches from the log. */
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 2_000;
/** Replay writes its frames in chunks of about this many characters. */
const REPLAY_CHUNK_CHARS = 16 * 1024;

/**
 * Creates the fan-out hub.
 *
 * @example
 * const hub = createHub({ log: createMemoryEventLog() });
 * hub.open({ res, userId, isAdmin: false, expiresAtMs, runId: null, kinds: null }, { afterSeq: null, gap: null });
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

  private readonly connections = new Set<Connection>();
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
    // The client may have hung up while the route was planning (its 'close' has passed already),
    // or pipelined this request behind another response on its connection (no socket yet).
    const socket = subscriber.res.socket;
    if (subscriber.res.destroyed || socket === null) return;
    if (this.closing) throw serviceUnavailable('server is shutting down');
    if (this.connections.size >= this.settings.maxStreams) throw serviceUnavailable('too many open streams');
    const userStreams = this.streamsByUser.get(subscriber.userId) ?? 0;
    if (userStreams >= this.settings.maxStreamsPerUser) throw tooManyStreams(this.settings.maxStreamsPerUser);

    const now = Date.now();
    const conn = new Connection(this.nextId++, subscriber, socket, now);
    this.connections.add(conn);
    this.streamsByUser.set(subscriber.userId, userStreams + 1);
    this.metrics.streamOpened();

    socket.setNoDelay(true);
    socket.setTimeout(0);
    // Socket errors are handled by Node's HTTP server, which owns the socket's error listener.
    socket.on('close', () => this.detach(conn, 'client'));
    conn.write(Buffer.concat([takeStreamHead(subscriber.res), this.preamble]), now);

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
    for (const conn of this.connections) if (conn.live) live++;
    return {
      connections: this.connections.size,
      liveConnections: live,
      users: this.streamsByUser.size,
      indexEntries: this.live.size,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    this.detachFromLog();
    const closed = [...this.connections].map(
      (conn) => new Promise<void>((resolve) => conn.socket.once('close', resolve)),
    );
    for (const conn of [...this.connections]) this.end(conn, 'shutdown');
    // A client that never reads cannot take the end of its stream; don't wait for it forever.
    const grace = setTimeout(() => {
      for (const conn of this.connections) conn.socket.destroy();
    }, SHUTDOWN_GRACE_MS);
    await Promise.all(closed);
    clearTimeout(grace);
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
    const kindList: EventKind[] | undefined = kinds === null ? undefined : [...kinds];
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

  /** The shared timer: token expiry and keep-alives for every stream in one pass. */
  private tick(): void {
    const now = Date.now();
    for (const conn of this.connections) {
      if (now >= conn.subscriber.expiresAtMs) this.end(conn, 'expired');
      else if (now - conn.lastWriteMs >= this.settings.keepAliveMs) conn.write(KEEP_ALIVE, now);
    }
  }

  /** Ends a stream: gracefully (`end`) unless the client is too slow to take the end. */
  private end(conn: Connection, reason: CloseReason): void {
    if (conn.closed) return;
    if (reason === 'slow' || reason === 'error') {
      this.detach(conn, reason);
      conn.socket.destroy();
    } else {
      // What was routed to it goes out before the end (at shutdown: every event acknowledged).
      conn.flushPending(Date.now());
      this.detach(conn, reason);
      conn.socket.end();
    }
  }

  private detach(conn: Connection, reason: CloseReason): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    if (conn.live) this.live.remove(conn);
    const userId = conn.subscriber.userId;
    const left = (this.streamsByUser.get(userId) ?? 1) - 1;
    if (left === 0) this.streamsByUser.delete(userId);
    else this.streamsByUser.set(userId, left);
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

/** `user_*` events reach admins and the user they concern only (SPEC §3). */
function maySee(subscriber: StreamSubscriber, userId: string): boolean {
  return subscriber.isAdmin || subscriber.userId === userId;
}
