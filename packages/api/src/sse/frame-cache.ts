import type { StoredEvent } from '@ironflow/store';
import { eventFrame } from './event-frames.js';

/**
 * The newest events' frames, encoded once and shared by every stream that sends them, live or in
 * a replay. A seq's frame is the same bytes for every reader of one log (its cursor, kind and
 * canonical JSON), so it is keyed by seq and works for any backend, including one that hands out
 * a new StoredEvent per read. In a reconnect storm thousands of streams replay the same recent
 * events: before, each stream built and UTF-8-encoded every frame of its replay again (in the S8
 * profile, 10,000 streams 100 events behind, string encoding was the largest single cost).
 * Bounded by bytes; the oldest frames go first.
 */
export class FrameCache {
  private readonly frames = new Map<number, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The frame of `stored`, from the cache or built (and kept) now. */
  of(stored: StoredEvent): Buffer {
    const cached = this.frames.get(stored.seq);
    if (cached !== undefined) return cached;
    const frame = eventFrame(stored);
    if (frame.length > this.maxBytes) return frame;
    this.frames.set(stored.seq, frame);
    this.bytes += frame.length;
    if (this.bytes > this.maxBytes) {
      // Map iterates in insertion order: the first entries are the oldest.
      for (const [seq, old] of this.frames) {
        this.frames.delete(seq);
        this.bytes -= old.length;
        if (this.bytes <= this.maxBytes) break;
      }
    }
    return frame;
  }
}
