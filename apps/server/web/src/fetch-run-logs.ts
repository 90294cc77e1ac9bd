import { type LogLine, validateEvent } from '@ironflow/engine';
import { request } from './api.js';

const PAGE = 1000;
// A run with more retained lines than this is read no further: the console keeps 1,000 anyway,
// and these are the oldest pages, so the newest lines still come from the stream.
const MAX_PAGES = 5;

interface LogEntry {
  readonly id: string;
  readonly run_id: string;
  readonly step_id: string;
  readonly step_name: string;
  readonly stream: string;
  readonly line: string;
  readonly created_at: string;
}

/**
 * A run's retained log lines from `GET /api/v1/runs/{id}/logs`, oldest first, as `log_line` events
 * (checked with the engine's schema); an empty list for a run the server has no lines of (`404`).
 */
export async function fetchRunLogs(runId: string): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (cursor !== null) query.set('cursor', cursor);
    let body: { data: LogEntry[]; meta: { next_cursor: string | null } };
    try {
      body = (await request('GET', `/api/v1/runs/${runId}/logs?${query}`, undefined, true)) as typeof body;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return lines;
      throw error;
    }
    for (const entry of body.data) {
      const { created_at: at, ...rest } = entry;
      const checked = validateEvent({ type: 'log_line', ...rest, at });
      if (checked.ok && checked.event.type === 'log_line') lines.push(checked.event);
    }
    cursor = body.meta.next_cursor;
    if (cursor === null) break;
  }
  return lines;
}
