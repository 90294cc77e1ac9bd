import { type EventKind, parseEventKindList } from '@ironflow/engine';
import { badRequest } from '../errors.js';
import { parseResumeRequest, type ResumeRequest } from '../sse/resume-plan.js';
import { parseRunId } from './run-id.js';

/** The validated query of `GET /api/v1/events`. */
export interface StreamQuery {
  readonly runId: string | null;
  /** `null` means every kind. */
  readonly kinds: ReadonlySet<EventKind> | null;
  readonly resume: ResumeRequest;
}

type RawQuery = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Validates the stream's query. `types` may be repeated (the lists are joined); `run_id` and
 * `last_event_id` may not. The `Last-Event-ID` header wins over `last_event_id`.
 */
export function parseStreamQuery(query: RawQuery, lastEventIdHeader: string): StreamQuery {
  const runIdText = single(query, 'run_id');
  const types = query.types;
  const typesText = Array.isArray(types) ? types.join(',') : types;
  let kinds: ReadonlySet<EventKind> | null = null;
  if (typesText !== undefined) {
    try {
      const list = parseEventKindList(typesText);
      kinds = list.length === 0 ? null : new Set(list);
    } catch (error) {
      throw badRequest((error as Error).message);
    }
  }
  const cursorText = lastEventIdHeader !== '' ? lastEventIdHeader : single(query, 'last_event_id');
  return {
    runId: runIdText === undefined || runIdText === '' ? null : parseRunId(runIdText),
    kinds,
    resume: parseResumeRequest(cursorText),
  };
}

function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw badRequest(`${name} may be given only once`);
  return value;
}
