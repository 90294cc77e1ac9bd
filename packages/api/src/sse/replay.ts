import { type EventKindName, userIdOf } from '@ironflow/engine';
import { type EventLog, formatCursor } from '@ironflow/store';
import type { AppLogger } from '../logger.js';
import type { CloseReason, Connection } from './connection.js';
import { eventFrameText, gapFrame } from './event-frames.js';
import type { HubMetrics } from './hub-metrics.js';
import type { HubSettings } from './hub-options.js';
import { type GapNotice, gapNotice } from './resume-plan.js';
import { maySee } from './visibility.js';

/** Replay writes its frames in chunks of about this many characters. */
const REPLAY_CHUNK_CHARS = 16 * 1024;

/** What a replay needs from the hub. */
export interface ReplayHost {
  readonly log: EventLog;
  readonly settings: HubSettings;
  readonly metrics: HubMetrics;
  readonly logger: AppLogger;
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
  const { kinds, runId } = conn.subscriber;
  const kindList: EventKindName[] | undefined = kinds === null ? undefined : [...kinds];
  const deliveredBefore = conn.delivered;
  try {
    if (gap) sendGap(conn, gap, metrics);
    conn.lastSeq = afterSeq;
    for (;;) {
      const { oldestSeq, headSeq } = log.bounds();
      if (oldestSeq !== null && oldestSeq > conn.lastSeq + 1) {
        // Retention evicted events this stream had not reached yet: say so, never skip silently.
        const requested = formatCursor(log.epoch, Math.max(conn.lastSeq, 1));
        sendGap(conn, gapNotice(requested, formatCursor(log.epoch, oldestSeq - 1)), metrics);
        conn.lastSeq = oldestSeq - 1;
      }
      const page = await log.read({
        afterSeq: conn.lastSeq,
        runId: runId ?? undefined,
        kinds: kindList,
        // Filtered in the read: a non-admin's replay costs what they may see (docs/PROTOCOL.md §3).
        visibleTo: conn.subscriber.isAdmin ? undefined : conn.subscriber.userId,
        limit: settings.replayPageSize,
      });
      if (conn.closed) return;
      // Written in chunks of frames, not one write per event: in a resume storm thousands of
      // streams each replay a page at once.
      let chunk = '';
      let frames = 0;
      for (const [index, stored] of page.entries()) {
        conn.lastSeq = stored.seq;
        const userId = userIdOf(stored.event);
        if (userId === null || maySee(conn.subscriber, userId)) {
          chunk += eventFrameText(stored);
          frames++;
        }
        if (chunk.length < REPLAY_CHUNK_CHARS && index < page.length - 1) continue;
        if (frames > 0) sendReplayed(conn, chunk, frames, metrics);
        chunk = '';
        frames = 0;
        if (conn.bufferedBytes >= settings.replayPauseBytes) {
          await conn.drained();
          if (conn.closed) return;
        }
      }
      if (page.length < settings.replayPageSize) {
        // The read saw every matching event up to the head it started from.
        conn.lastSeq = Math.max(conn.lastSeq, headSeq);
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

function sendReplayed(conn: Connection, chunk: string, frames: number, metrics: HubMetrics): void {
  conn.write(chunk, Date.now());
  conn.delivered += frames;
  metrics.delivered(frames);
}
