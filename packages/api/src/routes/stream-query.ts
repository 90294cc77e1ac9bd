import { type EventKindName, parseEventKindList, UnknownEventKindError } from '@ironflow/engine';
import { badRequest } from '../errors.js';
import { integerParam } from '../history/query-params.js';
import { MAX_BACKLOG } from '../sse/backlog-plan.js';
import { parseResumeRequest, type ResumeRequest } from '../sse/resume-plan.js';
import { parseRunId } from './run-id.js';

/** The validated query of `GET /api/v1/events`. */
export interface StreamQuery {
  readonly runId: string | null;
  /** `null` means every kind. */
  readonly kinds: ReadonlySet<EventKindName> | null;
  readonly resume: ResumeRequest;
  /** How many recent events a first connection without a cursor starts with; 0 when none. */
  readonly backlog: number;
}

type RawQuery = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Validates the stream's query. `types` may be repeated (the lists are joined); `run_id` and
 * `last_event_id` and `backlog` may not. The `Last-Event-ID` header wins over `last_event_id`.
 */
export function parseStreamQuery(query: RawQuery, lastEventIdHeader: string): StreamQuery {
  const runIdText = single(query, 'run_id');
  const types = query.types;
  const typesText = Array.isArray(types) ? types.join(',') : types;
  let kinds: ReadonlySet<EventKindName> | null = null;
  if (typesText !== undefined) {
    try {
      const list = parseEventKindList(typesText);
      kinds = list.length === 0 ? null : new Set(list);
    } catch (error) {
      // The message stays exactly `unknown event kind: <item>`; the accepted names go in `details`.
      if (error instanceof UnknownEventKindError)
        throw badRequest(error.message, [{ known_kinds: error.knownKinds }]);
      throw badRequest((error as Error).message);
    }
  }
  const cursorText = lastEventIdHeader !== '' ? lastEventIdHeader : single(query, 'last_event_id');
  return {
    runId: runIdText === undefined || runIdText === '' ? null : parseRunId(runIdText),
    kinds,
    resume: parseResumeRequest(cursorText),
    // Checked even when a cursor makes it moot: a bad value is a client bug worth reporting.
    backlog: integerParam(query, 'backlog', 0, MAX_BACKLOG) ?? 0,
  };
}

function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw badRequest(`${name} may be given only once`);
  return value;
}
