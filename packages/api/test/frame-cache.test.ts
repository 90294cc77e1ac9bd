import { exampleEvents } from '@ironflow/engine';
import { createMemoryEventLog, type StoredEvent } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { eventFrame } from '../src/sse/event-frames.js';
import { FrameCache } from '../src/sse/frame-cache.js';

async function storedEvents(count: number): Promise<StoredEvent[]> {
  const log = createMemoryEventLog();
  const examples = Object.values(exampleEvents);
  const stored = await log.append(Array.from({ length: count }, (_, i) => examples[i % examples.length]));
  await log.close();
  return stored;
}

describe('FrameCache', () => {
  it('gives the frame eventFrame builds, the same buffer for the same seq from another read', async () => {
    const [first] = await storedEvents(1);
    const stored = first as StoredEvent;
    const cache = new FrameCache(1 << 20);
    const frame = cache.of(stored);
    expect(frame.equals(eventFrame(stored))).toBe(true);
    // A backend that reads a new object per read (PostgreSQL) still hits: keyed by seq.
    expect(cache.of({ ...stored })).toBe(frame);
  });

  it('keeps at most its byte bound, dropping the oldest frames first', async () => {
    const events = await storedEvents(50);
    const size = eventFrame(events[0] as StoredEvent).length;
    const cache = new FrameCache(size * 10);
    const kept = events.map((stored) => cache.of(stored));
    // The newest are still shared; the oldest were dropped and are built again (equal, not the same).
    expect(cache.of(events[49] as StoredEvent)).toBe(kept[49]);
    const rebuilt = cache.of(events[0] as StoredEvent);
    expect(rebuilt).not.toBe(kept[0]);
    expect(rebuilt.equals(kept[0] as Buffer)).toBe(true);
  });
});
