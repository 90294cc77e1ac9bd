import { type IronflowEvent, validateEvent } from '@ironflow/engine';
import { request } from './api.js';
import type { StreamFilters } from './stream.js';

// The audit log is newest first; a linked event older than this many pages is not looked for.
const MAX_PAGES = 10;
const PER_PAGE = 100;

/**
 * Looks a linked event up by its cursor in `GET /api/v1/audit-logs` (admins only), narrowed by the
 * link's run filter and, when it names one kind, by that kind. Null when it is not found.
 */
export async function findLinkedEvent(cursor: string, filters: StreamFilters): Promise<IronflowEvent | null> {
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const query = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
    if (filters.runId !== null) query.set('run_id', filters.runId);
    if (filters.types.length === 1) query.set('event_type', filters.types[0] as string);
    const entries = (await request('GET', `/api/v1/audit-logs?${query}`)) as
      | { id?: unknown; payload?: unknown }[]
      | null;
    if (!Array.isArray(entries)) return null;
    const entry = entries.find((candidate) => candidate.id === cursor);
    if (entry !== undefined) {
      const checked = validateEvent(entry.payload);
      return checked.ok ? checked.event : null;
    }
    if (entries.length < PER_PAGE) return null;
  }
  return null;
}
