import type { Connection } from './connection.js';

/**
 * HTTP/1.1 pipelining around streams. A stream is the last response its connection carries, so
 * a request pipelined behind it can never be answered: the hub ends a stream on such a connection
 * and refuses to open one behind a waiting request. This keeps what that takes to know: the
 * sockets with requests waiting behind an unfinished response, and the stream on each socket.
 */
export class PipeliningGuard {
  /** HTTP/1.1 streams by socket. */
  private readonly streamOnSocket = new WeakMap<object, Connection>();
  /** Sockets with requests waiting behind an unfinished response, and how many. */
  private readonly waitingBehind = new WeakMap<object, number>();

  /** Whether a request waits behind the response in progress on `socket`. */
  hasWaiting(socket: object): boolean {
    return this.waitingBehind.has(socket);
  }

  streamOpened(socket: object, conn: Connection): void {
    this.streamOnSocket.set(socket, conn);
  }

  streamReleased(socket: object): void {
    this.streamOnSocket.delete(socket);
  }

  /**
   * A request started waiting on `socket` (`pipelined`) or got its turn (`turn`). Returns the
   * stream a newly waiting request is stuck behind, which must end.
   */
  note(socket: object, state: 'pipelined' | 'turn'): Connection | undefined {
    const waiting = (this.waitingBehind.get(socket) ?? 0) + (state === 'turn' ? -1 : 1);
    if (waiting > 0) this.waitingBehind.set(socket, waiting);
    else this.waitingBehind.delete(socket);
    return state === 'turn' ? undefined : this.streamOnSocket.get(socket);
  }
}
