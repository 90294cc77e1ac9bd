import { type SseMessage, SseReader } from '../reliability/support/sse-reader.js';
import type { Published, PublishedKind } from './soak-traffic.js';

/** The seq of a cursor (`<epoch>-<seq>`). */
export const seqOf = (cursor: string) => Number(cursor.slice(cursor.lastIndexOf('-') + 1));

/**
 * One soak client: follows its filter across connections, resuming with its cursor after every
 * end, and keeps the seqs it received to be checked against the log at the end.
 */
export class Subscriber {
  /** Seqs received, across connections (numbers, not cursors: a long soak delivers millions). */
  readonly received: number[] = [];
  reader: SseReader | undefined;
  connects = 0;
  gaps = 0;
  foreignEpoch = 0;
  stopped = false;
  slow = false;
  connectedAt = 0;

  constructor(
    readonly url: string,
    readonly userId: string,
    readonly token: string,
    readonly runId: string | null,
    readonly kinds: readonly PublishedKind[] | null,
    readonly epoch: string,
    readonly startSeq: number,
  ) {}

  matches(p: Published): boolean {
    return (
      (p.userId === null || p.userId === this.userId) &&
      (this.runId === null || p.runId === this.runId) &&
      (this.kinds === null || this.kinds.includes(p.kind))
    );
  }

  get lastId(): string {
    return `${this.epoch}-${String(this.received.at(-1) ?? this.startSeq).padStart(16, '0')}`;
  }

  async connect(): Promise<void> {
    const query = new URLSearchParams();
    if (this.runId !== null) query.set('run_id', this.runId);
    if (this.kinds !== null) query.set('types', this.kinds.join(','));
    // A gap message is a failure (a cursor fell out of the log); ids are kept as seqs.
    const onMessage = (message: SseMessage) => {
      if (message.event === 'gap') this.gaps++;
      else if (message.id !== undefined) {
        if (!message.id.startsWith(`${this.epoch}-`)) this.foreignEpoch++;
        this.received.push(seqOf(message.id));
      }
    };
    const reader = await SseReader.open(
      `${this.url}/api/v1/events?${query}`,
      { authorization: `Bearer ${this.token}`, 'last-event-id': this.lastId },
      { keepData: false, onMessage },
    );
    if (reader.status !== 200) throw new Error(`stream answered ${reader.status}`);
    this.connects++;
    this.connectedAt = Date.now();
    this.reader = reader;
    void reader
      .waitFor(() => reader.ended, 'the stream to end', 24 * 3600_000)
      .then(
        () => {
          if (!this.stopped) void this.reconnectSoon();
        },
        () => {},
      );
  }

  async reconnectSoon(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.connect();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  /** Drops the connection as a flaky network would; the end handler reconnects with the cursor. */
  drop(): void {
    this.reader?.close();
  }
}
