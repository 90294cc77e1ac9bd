import { type IronflowEvent, validateEvent } from '@ironflow/engine';

/** The `event: gap` notice (docs/PROTOCOL.md §3): the stream could not resume exactly from `requested`. */
export interface GapNotice {
  readonly requested: string;
  readonly resumed_after: string | null;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

function json(data: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(data) };
  } catch {
    return { ok: false, reason: 'data is not JSON' };
  }
}

/**
 * Parses an event's `data:` with the engine's own schema, so the page renders only events that
 * match the model it was built with (and the types below are earned, not asserted).
 */
export function parseEventData(data: string): Parsed<IronflowEvent> {
  const raw = json(data);
  if (!raw.ok) return raw;
  const result = validateEvent(raw.value);
  if (result.ok) return { ok: true, value: result.event };
  const reason = result.issues.map((issue) => `${issue.path || '(event)'}: ${issue.message}`).join('; ');
  return { ok: false, reason };
}

export function parseGapData(data: string): Parsed<GapNotice> {
  const raw = json(data);
  if (!raw.ok) return raw;
  const value = raw.value as Record<string, unknown> | null;
  const resumed = value?.resumed_after;
  if (typeof value?.requested !== 'string' || (resumed !== null && typeof resumed !== 'string')) {
    return { ok: false, reason: 'gap notice without requested/resumed_after' };
  }
  return { ok: true, value: { requested: value.requested, resumed_after: resumed } };
}
