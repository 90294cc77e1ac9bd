import type { EventKindName } from '@ironflow/engine';
import type { StoredEvent } from '@ironflow/store';
import { eventFrameText } from './event-frames.js';

/** Replay writes its frames in chunks of about this many characters. */
export const REPLAY_CHUNK_CHARS = 16 * 1024;
/**
 * How long an encoded page is kept for other streams replaying the same events. A reconnect
 * storm (every client of a deploy coming back with the same cursor) arrives within about this.
 */
const KEEP_MS = 2_000;
/** Bytes of encoded pages kept at most; past this the oldest go first. */
const MAX_KEPT_BYTES = 16 * 1024 * 1024;

/** Part of a replayed page, encoded once and written as is to every stream that replays it. */
export interface ReplayChunk {
  readonly bytes: Buffer;
  readonly frames: number;
  /** Seq of the chunk's last event: the stream's cursor once the chunk is written. */
  readonly lastSeq: number;
}

/** What a stream replays from and is filtered on. */
export interface ReplayFilter {
  readonly runId: string | null;
  readonly kinds: ReadonlySet<EventKindName> | null;
}

interface Kept {
  readonly chunks: readonly ReplayChunk[];
  readonly atMs: number;
  readonly bytes: number;
}

/**
 * Replay pages encoded once and shared for a short time by the streams that replay the same
 * events: in a reconnect storm thousands of streams resume from the same cursor, and building and
 * UTF-8 encoding every frame again per stream was the largest part of its cost. Every stream
 * takes the same Buffers, so nothing per stream outlives its write.
 *
 * Each stream still reads its own page (as its user: docs/PROTOCOL.md §3), and only a page it
 * may see whole is shared: one without `user_*` events, or an admin's. Such a page is fixed by
 * where it starts, the seqs of its first and last event, its length and the filters (the log's
 * events never change, and retention only drops the oldest), which is what it is found by.
 */
export class SharedReplayChunks {
  private readonly kept = new Map<string, Kept>();
  private keptBytes = 0;

  /**
   * The chunks of `page` (read after `afterSeq` with `filter`), encoded now or taken from a stream
   * that replayed the same page moments ago; null when the reader may not see all of it.
   */
  chunksOf(
    page: readonly StoredEvent[],
    afterSeq: number,
    filter: ReplayFilter,
    isAdmin: boolean,
    nowMs: number,
  ): readonly ReplayChunk[] | null {
    const first = page[0];
    const last = page.at(-1);
    if (first === undefined || last === undefined) return [];
    const userScoped = page.some(isUserScoped);
    if (userScoped && !isAdmin) return null;
    this.evict(nowMs);
    const kinds = filter.kinds === null ? '*' : [...filter.kinds].sort().join(',');
    const key = `${afterSeq} ${first.seq} ${last.seq} ${page.length} ${userScoped ? 'all' : 'runs'} ${filter.runId ?? '*'} ${kinds}`;
    const found = this.kept.get(key);
    if (found !== undefined) return found.chunks;
    const chunks = encodeChunks(page);
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.bytes.length;
    this.kept.set(key, { chunks, atMs: nowMs, bytes });
    this.keptBytes += bytes;
    this.evict(nowMs);
    return chunks;
  }

  /** Drops the pages kept past their time, and the oldest while over the byte bound. */
  evict(nowMs: number): void {
    for (const [key, kept] of this.kept) {
      if (nowMs - kept.atMs < KEEP_MS && this.keptBytes <= MAX_KEPT_BYTES) break;
      this.kept.delete(key);
      this.keptBytes -= kept.bytes;
    }
  }
}

/** The page's frames in chunks of about {@link REPLAY_CHUNK_CHARS}, each encoded once. */
function encodeChunks(page: readonly StoredEvent[]): ReplayChunk[] {
  const chunks: ReplayChunk[] = [];
  let text = '';
  let frames = 0;
  for (const [index, stored] of page.entries()) {
    text += eventFrameText(stored);
    frames++;
    if (text.length < REPLAY_CHUNK_CHARS && index < page.length - 1) continue;
    chunks.push({ bytes: Buffer.from(text), frames, lastSeq: stored.seq });
    text = '';
    frames = 0;
  }
  return chunks;
}

function isUserScoped(stored: StoredEvent): boolean {
  return stored.userId !== null;
}
