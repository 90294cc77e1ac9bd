import { EVENT_KINDS, type EventKind } from '@ironflow/engine';
import type { EventLogReadOptions } from './event-log.js';

/** {@link EventLogReadOptions} checked and reduced to what a backend has to filter on. */
export interface NormalisedReadOptions {
  afterSeq: number;
  limit: number;
  /** Lowercase, as the engine stores run ids. */
  runId: string | undefined;
  /** Distinct kinds; `undefined` when the kinds filter nothing (none given, or all of them). */
  kinds: EventKind[] | undefined;
}

const KNOWN_KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);

/**
 * Checks the options of `EventLog.read` for every backend alike. Throws a `TypeError` or
 * `RangeError` naming the bad option: these come from code, not from clients, whose input the
 * api validates first.
 */
export function normaliseReadOptions(options: EventLogReadOptions): NormalisedReadOptions {
  const { afterSeq, limit, runId, kinds } = options;
  checkCount('afterSeq', afterSeq);
  checkCount('limit', limit);
  if (runId !== undefined && typeof runId !== 'string') {
    throw new TypeError(`read: runId must be a string, got ${typeof runId}`);
  }
  return { afterSeq, limit, runId: runId?.toLowerCase(), kinds: checkKinds(kinds) };
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`read: ${name} must be a non-negative integer, got ${String(value)}`);
  }
}

function checkKinds(kinds: readonly EventKind[] | undefined): EventKind[] | undefined {
  if (kinds === undefined) return undefined;
  if (!Array.isArray(kinds)) throw new TypeError('read: kinds must be an array of event kinds');
  const unique = [...new Set(kinds)];
  for (const kind of unique) {
    if (!KNOWN_KINDS.has(kind)) throw new RangeError(`read: unknown event kind: ${String(kind)}`);
  }
  return unique.length === 0 || unique.length === KNOWN_KINDS.size ? undefined : unique;
}
