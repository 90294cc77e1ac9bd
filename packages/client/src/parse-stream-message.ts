import { type EventKind, type IronflowEvent, validateEvent } from '@ironflow/engine';
import { InvalidEventPayloadError } from './errors.js';
import type { GapNotice } from './subscription-types.js';

type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: InvalidEventPayloadError };

function parseJson(data: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(data) as unknown };
  } catch (error) {
    return { ok: false, message: `not JSON: ${(error as Error).message}` };
  }
}

/**
 * Parses an event message's `data` and validates it with the engine's schema; its `type` must be
 * the SSE `event:` name it came under.
 */
export function parseEventMessage(kind: EventKind, id: string, data: string): Parsed<IronflowEvent> {
  const json = parseJson(data);
  if (!json.ok)
    return {
      ok: false,
      error: new InvalidEventPayloadError(kind, id, data, [{ path: '', message: json.message }]),
    };
  const result = validateEvent(json.value);
  if (!result.ok) return { ok: false, error: new InvalidEventPayloadError(kind, id, data, result.issues) };
  if (result.event.type !== kind) {
    const issue = {
      path: 'type',
      message: `expected ${kind} (the SSE event name), received ${result.event.type}`,
    };
    return { ok: false, error: new InvalidEventPayloadError(kind, id, data, [issue]) };
  }
  return { ok: true, value: result.event };
}

const isCursorOrNull = (value: unknown): value is string | null =>
  value === null || typeof value === 'string';

/** Parses a `gap` message's `data`: `{"type":"gap","requested":…,"resumed_after":…}`. */
export function parseGapMessage(data: string): Parsed<GapNotice> {
  const json = parseJson(data);
  if (!json.ok)
    return {
      ok: false,
      error: new InvalidEventPayloadError('gap', '', data, [{ path: '', message: json.message }]),
    };
  const value = json.value as Record<string, unknown> | null;
  if (
    typeof value !== 'object' ||
    value === null ||
    value.type !== 'gap' ||
    typeof value.requested !== 'string' ||
    !isCursorOrNull(value.resumed_after)
  ) {
    const issue = {
      path: '',
      message: 'expected {"type":"gap","requested":string,"resumed_after":string|null}',
    };
    return { ok: false, error: new InvalidEventPayloadError('gap', '', data, [issue]) };
  }
  return { ok: true, value: { requested: value.requested, resumed_after: value.resumed_after } };
}
