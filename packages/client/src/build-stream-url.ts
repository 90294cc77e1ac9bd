import { type EventKindName, isEventKindName } from '@ironflow/engine';
import { baseUrlOf } from './base-url.js';
import { InvalidClientOptionError } from './errors.js';

/** The stream's path, appended to the server's base URL. */
export const EVENTS_PATH = '/api/v1/events';

/** The query of `GET /api/v1/events`; absent, `null` or empty values are left out. */
export interface StreamQuery {
  /** `run_id`: only events of this run. */
  readonly runId?: string | null;
  /** `types`: only events of these kinds, sent as a comma list. */
  readonly types?: readonly EventKindName[] | null;
  /** `last_event_id`: a cursor or `'earliest'`. */
  readonly lastEventId?: string | null;
}

/**
 * Builds the stream URL from the server's base URL (absolute, or relative such as `''` in a
 * browser) and the query. Checks every kind, so a typo fails here rather than as a `400` later.
 *
 * @throws {InvalidClientOptionError} when the base has a query or fragment or an API path other than
 *   `/api/v1/events` (which is understood as its base), or a kind is unknown.
 * @example
 * buildStreamUrl('https://ironflow.example.com', { types: ['run_failed', 'step_failed'] });
 * // 'https://ironflow.example.com/api/v1/events?types=run_failed%2Cstep_failed'
 */
export function buildStreamUrl(baseUrl: string, query: StreamQuery = {}): string {
  const base = baseUrlOf(baseUrl, EVENTS_PATH);
  const params = new URLSearchParams();
  if (query.runId) params.set('run_id', query.runId);
  if (query.types && query.types.length > 0) {
    for (const kind of query.types) {
      if (!isEventKindName(kind)) throw new InvalidClientOptionError(`unknown event kind: ${String(kind)}`);
    }
    params.set('types', [...new Set(query.types)].join(','));
  }
  if (query.lastEventId) params.set('last_event_id', query.lastEventId);
  const search = params.toString();
  return `${base}${EVENTS_PATH}${search === '' ? '' : `?${search}`}`;
}
