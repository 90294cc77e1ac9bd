import { type IncomingMessage, request } from 'node:http';

/** One parsed SSE message as a client sees it. */
export interface ReceivedMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * A minimal raw SSE reader over node:http, so tests see the exact bytes the server sent
 * (comments, `retry:`, framing) as well as parsed messages.
 */
export class SseClient {
  raw = '';
  readonly messages: ReceivedMessage[] = [];
  ended = false;
  private buffer = '';
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    private readonly destroy: () => void,
    private readonly response: IncomingMessage,
  ) {}

  /** Opens a stream and resolves once the response head arrived (non-200 bodies are in `raw`). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
        const client = new SseClient(res.statusCode ?? 0, res.headers, () => req.destroy(), res);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.receive(chunk));
        res.on('close', () => {
          client.ended = true;
          client.notify();
        });
        resolve(client);
      });
      req.on('error', (error) => {
        // A test that closes the stream itself sees its own abort here; nothing to report then.
        if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
      });
      req.end();
    });
  }

  /**
   * Resolves once `predicate` holds, or rejects after `timeoutMs` naming what was awaited. It is
   * checked on every byte received and every 10 ms, so it may also watch server-side state.
   */
  waitUntil(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(check);
        resolve();
      };
      const poll = setInterval(check, 10);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.waiters.delete(check);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: ${this.raw.slice(-500)}`),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  waitForMessages(count: number, timeoutMs?: number): Promise<void> {
    return this.waitUntil(() => this.messages.length >= count, `${count} messages`, timeoutMs);
  }

  waitForEnd(timeoutMs?: number): Promise<void> {
    return this.waitUntil(() => this.ended, 'the stream to end', timeoutMs);
  }

  /** Stops reading, as a stalled client would: the server's unsent output grows. */
  pause(): void {
    this.response.pause();
  }

  resume(): void {
    this.response.resume();
  }

  close(): void {
    this.destroy();
  }

  private receive(chunk: string): void {
    this.raw += chunk;
    this.buffer += chunk;
    let boundary = this.buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = this.buffer.slice(0, boundary);
      this.buffer = this.buffer.slice(boundary + 2);
      this.parseBlock(block);
      boundary = this.buffer.indexOf('\n\n');
    }
    this.notify();
  }

  private parseBlock(block: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) this.messages.push({ id, event, data: data.join('\n') });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
