import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EventKind } from '@ironflow/engine';

/** Why the server ended a stream; logged with the stream's close line. */
export type CloseReason = 'client' | 'slow' | 'expired' | 'shutdown' | 'error';

/** What a stream asked for and who asked, fixed when it opens. */
export interface StreamSubscriber {
  readonly res: ServerResponse;
  readonly userId: string;
  readonly isAdmin: boolean;
  /** When the token expires, in epoch milliseconds; the stream ends then. */
  readonly expiresAtMs: number;
  readonly runId: string | null;
  /** `null` means every kind. */
  readonly kinds: ReadonlySet<EventKind> | null;
}

/**
 * One open SSE stream, written straight to its socket (see `takeStreamHead`). Kept to a few
 * plain fields: the hub holds thousands of these, and all timing (keep-alive, expiry) is driven
 * by the hub's single shared timer.
 */
export class Connection {
  /** Highest log seq this stream has been sent or has been proven to need nothing up to. */
  lastSeq = 0;
  live = false;
  closed = false;
  lastWriteMs: number;
  delivered = 0;
  readonly openedAtMs: number;
  /** Frames queued during one dispatch batch, written together as one chunk. */
  pending: Buffer[] = [];

  constructor(
    readonly id: number,
    readonly subscriber: StreamSubscriber,
    readonly socket: Socket,
    nowMs: number,
  ) {
    this.lastWriteMs = nowMs;
    this.openedAtMs = nowMs;
  }

  /** Bytes accepted by `write` that the client has not read yet. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  write(chunk: string | Buffer, nowMs: number): boolean {
    this.lastWriteMs = nowMs;
    return this.socket.write(chunk);
  }

  /** Resolves when the client has read what was buffered, or the stream closed. */
  drained(): Promise<void> {
    const socket = this.socket;
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  /**
   * Writes the frames queued during one dispatch batch as one chunk: on a chunked HTTP response
   * each `write` costs a chunk header and a pass through the stream machinery, which dominated
   * fan-out of batches to many streams (see BENCHMARKS.md).
   */
  flushPending(nowMs: number): void {
    const frames = this.pending;
    if (frames.length === 0) return;
    this.pending = [];
    this.send(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames), frames.length, nowMs);
  }

  /** Writes `joined`, the whole batch, shared by every stream that matched all of it. */
  flushJoined(joined: Buffer, nowMs: number): void {
    const count = this.pending.length;
    this.pending = [];
    this.send(joined, count, nowMs);
  }

  private send(chunk: Buffer, frames: number, nowMs: number): void {
    this.lastWriteMs = nowMs;
    this.delivered += frames;
    this.socket.write(chunk);
  }
}
