import type { EventKindName } from '@ironflow/engine';
import type { EventLog } from '@ironflow/store';
import type { ResumePlan } from './resume-plan.js';

/** The most events `backlog` may ask for (docs/PROTOCOL.md §3). */
export const MAX_BACKLOG = 10_000;

/** Whose stream the backlog is for, and its filters. */
export interface BacklogRequest {
  readonly backlog: number;
  readonly runId: string | null;
  readonly kinds: ReadonlySet<EventKindName> | null;
  readonly userId: string;
  readonly isAdmin: boolean;
}

/**
 * Plans a first connection with `backlog=N` and no cursor as a replay: finds the oldest of the
 * newest N events that match the filters and that the user may see, walking the log's indexes
 * backwards from its head, and replays from just before it. The hub's replay then sends those N,
 * anything appended since, and joins the live tail with no gap and no duplicate, as for any
 * resume. The cost follows N (plus the `user_*` events of others skipped on the way), never the
 * size of the log.
 */
export async function planBacklog(
  request: BacklogRequest,
  log: Pick<EventLog, 'bounds' | 'readBefore'>,
): Promise<ResumePlan> {
  const { backlog, runId, kinds, userId, isAdmin } = request;
  if (backlog === 0) return { afterSeq: null, gap: null };
  const headSeq = log.bounds().headSeq;
  const kindList = kinds === null ? undefined : [...kinds];
  let wanted = backlog;
  let beforeSeq = headSeq + 1;
  for (;;) {
    const limit = wanted;
    const page = await log.readBefore({ beforeSeq, runId: runId ?? undefined, kinds: kindList, limit });
    for (const stored of page) {
      beforeSeq = stored.seq;
      const concerns = stored.userId;
      if (concerns === null || isAdmin || concerns === userId) wanted -= 1;
      if (wanted === 0) return { afterSeq: beforeSeq - 1, gap: null };
    }
    // Fewer matching events than asked for: all of them (from the head when there are none).
    if (page.length < limit) return { afterSeq: beforeSeq - 1, gap: null };
  }
}
