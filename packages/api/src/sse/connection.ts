import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { EventKindName } from '@ironflow/engine';

/**
 * Why a stream ended; logged with the stream's close line and counted by the metrics.
 * `pipelined`: the client sent another request on the stream's HTTP/1.1 connection, which can
 * never be answered behind a stream that does not end. `unavailable`: the instance cannot serve
 * the stream any more (e.g. it no longer follows the log); `revoked`: its credential was revoked.
 */
export type CloseReason =
  | 'client'
  | 'slow'
  | 'expired'
  | 'shutdown'
  | 'error'
  | 'pipelined'
  | 'unavailable'
  | 'revoked';

/** What a stream asked for and who asked, fixed when it opens. */
export interface StreamSubscriber {
  /** The response to take over: HTTP/1.1, or the compatibility response of an HTTP/2 stream. */
  readonly res: ServerResponse | Http2ServerResponse;
  readonly userId: string;
  readonly isAdmin: boolean;
  /**
   * The credential that opened it (`user:<uuid>` for an access token, `api_key:<uuid>`), so the
   * streams of a revoked key can be ended.
   */
  readonly credential: string;
  /** When the credential expires, in epoch milliseconds; the stream ends then. */
  readonly expiresAtMs: number;
  readonly runId: string | null;
  /** `null` means every kind. */
  readonly kinds: ReadonlySet<EventKindName> | null;
}

/**
 * What a stream's frames are written to: the TCP (or TLS) socket of an HTTP/1.1 stream, or the
 * `Http2Stream` of an HTTP/2 one. Both are duplex streams whose `writableLength` is what the
 * client has not taken yet, whose `end()` ends the stream and whose `destroy()` releases it.
 */
export type StreamSink = Duplex;

/**
 * One open SSE stream, written straight to its sink (see `openStreamSink`). Kept to a few
 * plain fields: the hub holds thousands of these, and all timing (keep-alive, expiry, release)
 * is driven by the hub's single shared timer.
 */
export class Connection {
  /** Highest log seq this stream has been sent or has been proven to need nothing up to. */
  lastSeq = 0;
  live = false;
  /** Ended by the server or the client: nothing more is written. */
  closed = false;
  /** When the server ended it; its sink is destroyed if still open a grace period later. */
  endedAtMs = 0;
  lastWriteMs: number;
  delivered = 0;
  readonly openedAtMs: number;
  /** Frames queued during one flush window, written together as one chunk. */
  pending: string[] = [];

  constructor(
    readonly id: number,
    readonly subscriber: StreamSubscriber,
    readonly sink: StreamSink,
    nowMs: number,
  ) {
    this.lastWriteMs = nowMs;
    this.openedAtMs = nowMs;
  }

  /** Bytes accepted by `write` that the client has not read yet. */
  get bufferedBytes(): number {
    return this.sink.writableLength;
  }

  write(chunk: string | Buffer, nowMs: number): boolean {
    this.lastWriteMs = nowMs;
    return this.sink.write(chunk);
  }

  /** Resolves when the client has read what was buffered, or the stream closed. */
  drained(): Promise<void> {
    const sink = this.sink;
    return new Promise((resolve) => {
      const done = () => {
        sink.off('drain', done);
        sink.off('close', done);
        resolve();
      };
      sink.on('drain', done);
      sink.on('close', done);
    });
  }

  /**
   * Writes the frames queued during one dispatch batch as one chunk: each `write` costs a pass
   * through the stream machinery (and, on a chunked response, a chunk header), which dominated
   * fan-out of batches to many streams (see BENCHMARKS.md).
   */
  flushPending(nowMs: number): void {
    const frames = this.pending;
    if (frames.length === 0) return;
    this.pending = [];
    this.send(frames.length === 1 ? (frames[0] as string) : frames.join(''), frames.length, nowMs);
  }

  /** Writes `joined`, the whole batch, shared by every stream that matched all of it. */
  flushJoined(joined: Buffer, nowMs: number): void {
    const count = this.pending.length;
    this.pending = [];
    this.send(joined, count, nowMs);
  }

  private send(chunk: string | Buffer, frames: number, nowMs: number): void {
    this.lastWriteMs = nowMs;
    this.delivered += frames;
    this.sink.write(chunk);
  }
}
