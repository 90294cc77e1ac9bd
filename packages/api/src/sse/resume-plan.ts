import { type EventLog, formatCursor, parseCursor } from '@ironflow/store';
import { badRequest, echoInput } from '../errors.js';

/** Where a client asked to start: nowhere (live only), all retained history, or after a cursor. */
export type ResumeRequest =
  | { readonly kind: 'live' }
  | { readonly kind: 'earliest' }
  | { readonly kind: 'cursor'; readonly text: string; readonly epoch: string; readonly seq: number };

/** The `gap` message's payload, with exactly docs/PROTOCOL.md's keys. */
export interface GapNotice {
  readonly type: 'gap';
  readonly requested: string;
  readonly resumed_after: string | null;
}

/** `afterSeq: null` means live only; otherwise replay every retained event after `afterSeq`. */
export interface ResumePlan {
  readonly afterSeq: number | null;
  readonly gap: GapNotice | null;
}

export const EARLIEST = 'earliest';

/** Parses a client's cursor text (header or query); a malformed one is a `400` naming it. */
export function parseResumeRequest(text: string | undefined): ResumeRequest {
  if (text === undefined || text === '') return { kind: 'live' };
  if (text === EARLIEST) return { kind: 'earliest' };
  try {
    const { epoch, seq } = parseCursor(text);
    return { kind: 'cursor', text, epoch, seq };
  } catch {
    throw badRequest(`invalid cursor: ${echoInput(text)}`);
  }
}

/**
 * Decides where a stream starts, against the log's current bounds (docs/PROTOCOL.md §3 "Resume"): exact
 * resume when the cursor is retained; otherwise a `gap` notice and everything retained; a
 * cursor ahead of the log is treated as "now".
 *
 * "Ahead" is checked against the log itself, not only its cached bounds: with several instances
 * on one database, a client may bring a cursor from an instance whose tail is a few milliseconds
 * ahead of this one's. Resuming such a cursor exactly (rather than "now") avoids both a false
 * `gap` and duplicates once this instance's tail catches up.
 */
export async function planResume(
  request: ResumeRequest,
  log: Pick<EventLog, 'epoch' | 'bounds' | 'read'>,
): Promise<ResumePlan> {
  if (request.kind === 'live') return { afterSeq: null, gap: null };

  const { oldestSeq, headSeq } = log.bounds();
  // The last seq that is gone: everything after it is still retained.
  const lostUpTo = oldestSeq === null ? headSeq : oldestSeq - 1;
  if (request.kind === 'earliest') return { afterSeq: lostUpTo, gap: null };
  const resumedAfter = lostUpTo === 0 ? null : formatCursor(log.epoch, lostUpTo);

  if (request.epoch !== log.epoch) {
    return { afterSeq: lostUpTo, gap: gapNotice(request.text, resumedAfter) };
  }
  if (request.seq > headSeq) {
    const [atCursor] = await log.read({ afterSeq: request.seq - 1, limit: 1 });
    if (atCursor?.seq === request.seq) return { afterSeq: request.seq, gap: null };
    const now = log.bounds().headSeq;
    return { afterSeq: null, gap: gapNotice(request.text, now === 0 ? null : formatCursor(log.epoch, now)) };
  }
  if (request.seq < lostUpTo) {
    return { afterSeq: lostUpTo, gap: gapNotice(request.text, resumedAfter) };
  }
  return { afterSeq: request.seq, gap: null };
}

export function gapNotice(requested: string, resumedAfter: string | null): GapNotice {
  return { type: 'gap', requested, resumed_after: resumedAfter };
}
