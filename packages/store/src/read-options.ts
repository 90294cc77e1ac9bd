import {
  EVENT_KINDS,
  type EventKind,
  type EventKindName,
  type IronflowEvent,
  isEventKind,
  isEventKindName,
  isUserEvent,
} from '@ironflow/engine';
import type {
  EventLogReadBeforeOptions,
  EventLogReadOptions,
  EventPageQuery,
  LogLineQuery,
} from './event-log.js';
import { microsOfTime } from './time-key.js';

/** {@link EventLogReadOptions} checked and reduced to what a backend has to filter on. */
export interface NormalisedReadOptions {
  afterSeq: number;
  limit: number;
  /** Lowercase, as the engine stores run ids. */
  runId: string | undefined;
  /**
   * Distinct streamed kinds; `undefined` when the kinds filter nothing (none given, or all of them);
   * `[]` when only audit-only names (`secrets_rotated`) were given: nothing matches.
   */
  kinds: EventKind[] | undefined;
  /**
   * Lowercase; `undefined` when visibility filters nothing (not given, or a run filter, which no
   * `user_*` event matches anyway).
   */
  visibleTo?: string | undefined;
}

/**
 * Checks the options of `EventLog.read` for every backend alike. Throws a `TypeError` or
 * `RangeError` naming the bad option: these come from code, not from clients, whose input the
 * api validates first.
 */
export function normaliseReadOptions(options: EventLogReadOptions): NormalisedReadOptions {
  const { afterSeq, limit, runId, kinds, visibleTo } = options;
  checkCount('afterSeq', afterSeq);
  checkCount('limit', limit);
  if (runId !== undefined && typeof runId !== 'string') {
    throw new TypeError(`read: runId must be a string, got ${typeof runId}`);
  }
  const visible = checkId('visibleTo', visibleTo);
  return {
    afterSeq,
    limit,
    runId: runId?.toLowerCase(),
    kinds: checkKinds(kinds),
    visibleTo: runId === undefined ? visible : undefined,
  };
}

/** The kinds whose events concern one user (`user_*`), which only admins and that user see. */
export const USER_KINDS: readonly EventKind[] = EVENT_KINDS.filter((kind) =>
  isUserEvent({ type: kind } as IronflowEvent),
);

/**
 * Splits a visible read's kinds: those every reader sees, and the `user_*` ones, which only the
 * reader's own events match.
 */
export function splitVisibleKinds(kinds: readonly EventKind[] | undefined): VisibleKinds {
  return kinds === undefined ? ALL_KINDS_SPLIT : split(kinds);
}

/** {@link splitVisibleKinds}'s answer; shared by every read, so never to be modified. */
export interface VisibleKinds {
  readonly shared: readonly EventKind[];
  readonly own: readonly EventKind[];
}

const USER_KIND_SET: ReadonlySet<EventKind> = new Set(USER_KINDS);
/** Whether `kind` is one of {@link USER_KINDS}. */
export const isUserKind = (kind: string): boolean => USER_KIND_SET.has(kind as EventKind);
const split = (kinds: readonly EventKind[]): VisibleKinds => ({
  shared: kinds.filter((kind) => !USER_KIND_SET.has(kind)),
  own: kinds.filter((kind) => USER_KIND_SET.has(kind)),
});
// Every unfiltered replay of a non-admin asks for this one.
const ALL_KINDS_SPLIT = split(EVENT_KINDS);

/** {@link EventLogReadBeforeOptions} checked; `kinds` as in {@link NormalisedReadOptions}. */
export interface NormalisedReadBeforeOptions {
  beforeSeq: number;
  limit: number;
  runId: string | undefined;
  kinds: EventKind[] | undefined;
}

export function normaliseReadBeforeOptions(options: EventLogReadBeforeOptions): NormalisedReadBeforeOptions {
  const { beforeSeq, limit, runId, kinds } = options;
  checkCount('beforeSeq', beforeSeq);
  checkCount('limit', limit);
  return { beforeSeq, limit, runId: checkId('runId', runId), kinds: checkKinds(kinds) };
}

/** {@link LogLineQuery} checked, ids in lower case. */
export interface NormalisedLogLineQuery {
  runId: string;
  afterSeq: number;
  stepId: string | undefined;
  stream: string | undefined;
  limit: number;
}

export function normaliseLogLineQuery(query: LogLineQuery): NormalisedLogLineQuery {
  const { runId, afterSeq, stepId, stream, limit } = query;
  if (typeof runId !== 'string') throw new TypeError('readLogLines: runId must be a string');
  checkCount('afterSeq', afterSeq);
  checkCount('limit', limit);
  if (stream !== undefined && typeof stream !== 'string') {
    throw new TypeError('readLogLines: stream must be a string');
  }
  return { runId: runId.toLowerCase(), afterSeq, stepId: checkId('stepId', stepId), stream, limit };
}

/** {@link EventPageQuery} checked; times as microseconds since the Unix epoch. */
export interface NormalisedPageQuery {
  offset: number;
  limit: number;
  kind: string | undefined;
  runId: string | undefined;
  from: string | undefined;
  to: string | undefined;
  fromMicros: number | undefined;
  toMicros: number | undefined;
}

export function normalisePageQuery(query: EventPageQuery): NormalisedPageQuery {
  const { offset, limit, kind, runId, from, to } = query;
  checkCount('offset', offset);
  checkCount('limit', limit);
  if (kind !== undefined && typeof kind !== 'string') throw new TypeError('readPage: kind must be a string');
  return {
    offset,
    limit,
    kind,
    runId: checkId('runId', runId),
    from,
    to,
    fromMicros: checkTime('from', from),
    toMicros: checkTime('to', to),
  };
}

function checkTime(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const micros = typeof text === 'string' ? microsOfTime(text) : null;
  if (micros === null)
    throw new RangeError(`readPage: ${name} must be an RFC 3339 time, got ${String(text)}`);
  return micros;
}

function checkId(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw new TypeError(`read: ${name} must be a string, got ${typeof value}`);
  }
  return value?.toLowerCase();
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`read: ${name} must be a non-negative integer, got ${String(value)}`);
  }
}

function checkKinds(kinds: readonly EventKindName[] | undefined): EventKind[] | undefined {
  if (kinds === undefined) return undefined;
  if (!Array.isArray(kinds)) throw new TypeError('read: kinds must be an array of event kinds');
  const unique = [...new Set(kinds)];
  for (const kind of unique) {
    if (!isEventKindName(kind)) throw new RangeError(`read: unknown event kind: ${String(kind)}`);
  }
  if (unique.length === 0) return undefined;
  // Audit-only names are never in the log: they narrow the filter without matching anything.
  const streamed = unique.filter(isEventKind);
  return streamed.length === EVENT_KINDS.length ? undefined : streamed;
}
