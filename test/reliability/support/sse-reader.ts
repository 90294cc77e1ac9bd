import { type ClientRequest, type IncomingMessage, request } from 'node:http';

export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * A small SSE reader over node:http for many concurrent streams: it keeps every message (or only
 * ids, to save memory in soaks) and the last cursor, and can stop reading to play a stalled client.
 */
export class SseReader {
  readonly messages: SseMessage[] = [];
  status = 0;
  ended = false;
  lastId: string | undefined;
  private buffer = '';
  private response: IncomingMessage | undefined;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly req: ClientRequest,
    private readonly keepData: boolean,
    private readonly onMessage: ((message: SseMessage) => void) | undefined,
  ) {}

  /** Resolves once the response head arrived. */
  static open(
    url: string,
    headers: Record<string, string>,
    options: { keepData?: boolean; onMessage?: (message: SseMessage) => void } = {},
  ): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      let reader: SseReader | undefined;
      const req = request(
        url,
        { headers: { accept: 'text/event-stream', ...headers }, agent: false },
        (res) => {
          const current = reader as SseReader;
          current.response = res;
          current.status = res.statusCode ?? 0;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => current.receive(chunk));
          res.on('error', () => {});
          res.on('close', () => {
            current.ended = true;
            current.notify();
          });
          resolve(current);
        },
      );
      reader = new SseReader(req, options.keepData ?? true, options.onMessage);
      req.on('error', (error) => {
        if (reader?.response === undefined) reject(error);
        else {
          reader.ended = true;
          reader.notify();
        }
      });
      req.end();
    });
  }

  /** Resolves when `predicate` holds; rejects naming `what` after `timeoutMs`. Checked on every chunk. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what} (have ${this.messages.length} messages)`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  pause(): void {
    this.response?.pause();
  }

  resume(): void {
    this.response?.resume();
  }

  close(): void {
    this.req.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let boundary = this.buffer.indexOf('\n\n');
    while (boundary !== -1) {
      this.parse(this.buffer.slice(0, boundary));
      this.buffer = this.buffer.slice(boundary + 2);
      boundary = this.buffer.indexOf('\n\n');
    }
    this.notify();
  }

  private parse(block: string): void {
    let id: string | undefined;
    let event = 'message';
    let data: string | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: '))
        data = data === undefined ? line.slice(6) : `${data}\n${line.slice(6)}`;
    }
    if (data === undefined) return;
    if (id !== undefined) this.lastId = id;
    const message = { id, event, data: this.keepData ? data : '' };
    // With a callback the reader keeps nothing: a soak's clients receive millions of messages.
    if (this.onMessage) this.onMessage(message);
    else this.messages.push(message);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
