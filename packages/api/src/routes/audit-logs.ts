import type { AuthState } from '@ironflow/auth';
import { parseEventKindList, runIdOf, stepIdOf, userIdOf } from '@ironflow/engine';
import type { EventLog, StoredEvent } from '@ironflow/store';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { badRequest, echoInput, forbidden } from '../errors.js';
import { integerParam, type RawQuery, singleParam, timeParam, uuidParam } from '../history/query-params.js';

const DEFAULT_PER_PAGE = 50;
const MAX_PER_PAGE = 100;
// Beyond this the offset would leave the safe integers; no log holds that many pages.
const MAX_PAGE = 1_000_000_000_000;

export interface AuditLogsDeps {
  readonly log: EventLog;
  readonly authenticate: Middleware<AuthState>;
}

/**
 * `GET /api/v1/audit-logs` (docs/PROTOCOL.md §3b), admins only: the retained events newest first, a page at a
 * time with the total. Each item's `payload` is the event's stored JSON, spliced in as is: the
 * same bytes as the stream's `data:`, so every kind comes back value for value.
 */
export function mountAuditLogs(router: Router, deps: AuditLogsDeps): void {
  router.get('/api/v1/audit-logs', deps.authenticate, async (ctx) => {
    if (!(ctx.state as AuthState).user.is_admin) throw forbidden('the audit log is for admins only');
    const query = ctx.query as RawQuery;
    const page = integerParam(query, 'page', 1, MAX_PAGE) ?? 1;
    const perPage = integerParam(query, 'per_page', 1, MAX_PER_PAGE) ?? DEFAULT_PER_PAGE;
    const result = await deps.log.readPage({
      offset: (page - 1) * perPage,
      limit: perPage,
      kind: eventTypeParam(query),
      runId: uuidParam(query, 'run_id'),
      from: timeParam(query, 'from'),
      to: timeParam(query, 'to'),
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/json';
    ctx.body = `{"data":[${result.events.map(auditItem).join(',')}],"meta":${JSON.stringify({
      page,
      per_page: perPage,
      total: result.total,
    })}}`;
  });
}

/** One kind name, any of the 21 (an audit-only kind matches what the log holds of it: nothing). */
function eventTypeParam(query: RawQuery): string | undefined {
  const text = singleParam(query, 'event_type');
  if (text === undefined) return undefined;
  let kinds: string[];
  try {
    kinds = parseEventKindList(text);
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  if (kinds.length !== 1 || kinds[0] !== text) {
    throw badRequest(`invalid event_type: ${echoInput(text)} (one event kind)`);
  }
  return text;
}

function auditItem(stored: StoredEvent): string {
  const event = stored.event;
  return `{"id":${JSON.stringify(stored.cursor)},"event_type":${JSON.stringify(event.type)},"payload":${stored.json},"run_id":${JSON.stringify(runIdOf(event))},"step_id":${JSON.stringify(stepIdOf(event))},"user_id":${JSON.stringify(userIdOf(event))},"created_at":${JSON.stringify(event.at)}}`;
}
