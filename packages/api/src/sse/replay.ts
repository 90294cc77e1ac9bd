import { type EventLog, formatCursor, type StoredEvent } from '@ironflow/store';
import type { AppLogger } from '../logger.js';
import type { CloseReason, Connection } from './connection.js';
import { eventFrameText, gapFrame } from './event-frames.js';
import type { HubMetrics } from './hub-metrics.js';
import type { HubSettings } from './hub-options.js';
import { REPLAY_CHUNK_CHARS, type SharedReplayChunks } from './replay-chunks.js';
import { type GapNotice, gapNotice } from './resume-plan.js';
import { maySee } from './visibility.js';

/** What a replay needs from the hub. */
export interface ReplayHost {
  readonly log: EventLog;
  readonly settings: HubSettings;
  readonly metrics: HubMetrics;
  readonly logger: AppLogger;
  /** Encoded pages shared by streams replaying the same events. */
  readonly chunks: SharedReplayChunks;
  /** Highest seq the hub's live fan-out has routed: a stream past it may go live. */
  readonly dispatchedSeq: number;
  goLive(conn: Connection): void;
  end(conn: Connection, reason: CloseReason): void;
}

/** Writes a `gap` notice: events the stream asked for are no longer retained. */
export function sendGap(conn: Connection, gap: GapNotice, metrics: HubMetrics): void {
  conn.write(gapFrame(gap), Date.now());
  metrics.gapSent();
}

/**
 * Sends the retained events after `afterSeq` in pages paced by the client (it waits for the
 * stream to drain past `replayPauseBytes`), with a `gap` notice for any it can no longer have,
 * then joins the live tail.
 */
export async function replay(
  host: ReplayHost,
  conn: Connection,
  afterSeq: number,
  gap: GapNotice | null,
): Promise<void> {
  const { log, settings, metrics } = host;
  const deliveredBefore = conn.delivered;
  try {
    if (gap) sendGap(conn, gap, metrics);
    conn.lastSeq = afterSeq;
    for (;;) {
      const { oldestSeq } = log.bounds();
      if (oldestSeq !== null && oldestSeq > conn.lastSeq + 1) {
        // Retention evicted events this stream had not reached yet: say so, never skip silently.
        const requested = formatCursor(log.epoch, Math.max(conn.lastSeq, 1));
        sendGap(conn, gapNotice(requested, formatCursor(log.epoch, oldestSeq - 1)), metrics);
        conn.lastSeq = oldestSeq - 1;
      }
      const page = await replayPage(host, conn);
      if (page === null) return;
      if (page.length < settings.replayPageSize) {
        // The read saw every matching event up to the head it started from.
        conn.lastSeq = Math.max(conn.lastSeq, page.headSeq);
        if (conn.lastSeq >= host.dispatchedSeq) {
          host.goLive(conn);
          metrics.replayFinished(conn.delivered - deliveredBefore);
          return;
        }
      }
    }
  } catch (error) {
    host.logger.error({ err: error, stream: conn.id }, 'stream replay failed');
    host.end(conn, 'error');
  }
}

/** What a replayed page was: its size, and the head the read started from. */
interface PageSent {
  readonly length: number;
  readonly headSeq: number;
}

/**
 * Reads the page after the stream's `lastSeq` as its user and writes it: the shared encoded
 * chunks when the stream may see the whole page, else its own chunks. Null when the stream
 * closed meanwhile.
 */
async function replayPage(host: ReplayHost, conn: Connection): Promise<PageSent | null> {
  const { log, settings, metrics } = host;
  const { subscriber } = conn;
  const { headSeq } = log.bounds();
  const afterSeq = conn.lastSeq;
  const page = await log.read({
    afterSeq,
    runId: subscriber.runId ?? undefined,
    kinds: subscriber.kinds === null ? undefined : [...subscriber.kinds],
    // Filtered in the read: a non-admin's replay costs what they may see (docs/PROTOCOL.md §3).
    visibleTo: subscriber.isAdmin ? undefined : subscriber.userId,
    limit: settings.replayPageSize,
  });
  if (conn.closed) return null;
  const shared = host.chunks.chunksOf(page, afterSeq, subscriber, subscriber.isAdmin, Date.now());
  if (shared === null)
    return (await replayOwnChunks(host, conn, page)) ? { length: page.length, headSeq } : null;
  for (const chunk of shared) {
    conn.lastSeq = chunk.lastSeq;
    sendReplayed(conn, chunk.bytes, chunk.frames, metrics);
    if (!(await paced(host, conn))) return null;
  }
  return { length: page.length, headSeq };
}

/**
 * Writes a page with events the stream may not see, skipping those, in chunks of frames (not one
 * write per event: in a resume storm thousands of streams each replay a page at once). False if
 * the stream closed meanwhile.
 */
async function replayOwnChunks(
  host: ReplayHost,
  conn: Connection,
  page: readonly StoredEvent[],
): Promise<boolean> {
  let chunk = '';
  let frames = 0;
  for (const [index, stored] of page.entries()) {
    conn.lastSeq = stored.seq;
    const eventUser = stored.userId;
    if (eventUser === null || maySee(conn.subscriber, eventUser)) {
      chunk += eventFrameText(stored);
      frames++;
    }
    if (chunk.length < REPLAY_CHUNK_CHARS && index < page.length - 1) continue;
    if (frames > 0) sendReplayed(conn, chunk, frames, host.metrics);
    chunk = '';
    frames = 0;
    if (!(await paced(host, conn))) return false;
  }
  return true;
}

/** Waits for the client to read what is buffered past the pause mark; false if it closed. */
async function paced(host: ReplayHost, conn: Connection): Promise<boolean> {
  if (conn.bufferedBytes < host.settings.replayPauseBytes) return true;
  await conn.drained();
  return !conn.closed;
}

function sendReplayed(conn: Connection, chunk: string | Buffer, frames: number, metrics: HubMetrics): void {
  conn.write(chunk, Date.now());
  conn.delivered += frames;
  metrics.delivered(frames);
}
