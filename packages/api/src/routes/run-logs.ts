import type { AuthState } from '@ironflow/auth';
import { LOG_STREAMS } from '@ironflow/engine';
import { type EventLog, parseCursor, type StoredEvent } from '@ironflow/store';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { badRequest, echoInput, runNotFound } from '../errors.js';
import { integerParam, type RawQuery, singleParam, uuidParam } from '../history/query-params.js';
import { parseRunId } from './run-id.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const STREAMS: ReadonlySet<string> = new Set(LOG_STREAMS);

export interface RunLogsDeps {
  readonly log: EventLog;
  readonly authenticate: Middleware<AuthState>;
}

/** The fields of a `log_line` the entries are made of. */
interface LogLineFields {
  readonly id?: string;
  readonly run_id: string;
  readonly step_id: string;
  readonly step_name: string;
  readonly stream: string;
  readonly line: string;
  readonly at: string;
}

/**
 * `GET /api/v1/runs/{run_id}/logs` (docs/PROTOCOL.md §3b): a run's `log_line`s as log entries, oldest first,
 * a page at a time from the log's per-run index. `next_cursor` is the cursor of the page's last
 * line (opaque to clients), `null` on the last page.
 */
export function mountRunLogs(router: Router, deps: RunLogsDeps): void {
  router.get('/api/v1/runs/:run_id/logs', deps.authenticate, async (ctx) => {
    const runId = parseRunId(ctx.params.run_id ?? '');
    const query = ctx.query as RawQuery;
    // `0` asks for the default, as upstream reads it; above the cap is served the cap.
    const limit = Math.min(
      integerParam(query, 'limit', 0, Number.MAX_SAFE_INTEGER) || DEFAULT_LIMIT,
      MAX_LIMIT,
    );
    const afterSeq = cursorParam(query, deps.log.epoch);
    const stepId = uuidParam(query, 'step_id');
    const stream = singleParam(query, 'stream');
    if (stream !== undefined && !STREAMS.has(stream)) {
      throw badRequest(`invalid stream: ${echoInput(stream)} (one of ${LOG_STREAMS.join(', ')})`);
    }

    // One more than the page tells whether another page follows.
    const lines = await deps.log.readLogLines({ runId, afterSeq, stepId, stream, limit: limit + 1 });
    if (lines.length === 0 && (await deps.log.read({ afterSeq: 0, runId, limit: 1 })).length === 0) {
      throw runNotFound();
    }
    const hasMore = lines.length > limit;
    const page = hasMore ? lines.slice(0, limit) : lines;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      data: page.map(logEntry),
      meta: {
        page: null,
        per_page: null,
        total: null,
        next_cursor: hasMore ? (page.at(-1) as StoredEvent).cursor : null,
        has_more: hasMore,
      },
    };
  });
}

function logEntry(stored: StoredEvent) {
  const line = stored.event as unknown as LogLineFields;
  return {
    id: line.id ?? null,
    run_id: line.run_id,
    step_id: line.step_id,
    step_name: line.step_name,
    stream: line.stream,
    line: line.line,
    created_at: line.at,
  };
}

/** The seq after which the page starts: 0 without a cursor. A cursor of another epoch is a `400`. */
function cursorParam(query: RawQuery, epoch: string): number {
  const text = singleParam(query, 'cursor');
  if (text === undefined) return 0;
  try {
    const cursor = parseCursor(text);
    if (cursor.epoch === epoch) return cursor.seq;
  } catch {
    // Reported below, like a cursor of another epoch.
  }
  throw badRequest(`invalid cursor: ${echoInput(text)}`);
}
