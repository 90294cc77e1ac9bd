import type { StoredEvent } from '@ironflow/store';
import { formatSseComment, formatSseMessage } from './frame.js';
import type { GapNotice } from './resume-plan.js';

/** Written after a stream's silence; one shared buffer for every stream. */
export const KEEP_ALIVE = Buffer.from(formatSseComment('keep-alive'));

/** Written just before a stream ends because its credential expired (docs/PROTOCOL.md §3 "Limits"). */
export const CREDENTIALS_EXPIRED = Buffer.from(formatSseComment('credentials expired'));

/** What a stream receives at once on opening: the reconnection hint and a comment. */
export function preambleFrame(retryMs: number): Buffer {
  return Buffer.from(formatSseMessage({ retry: retryMs }) + formatSseComment('connected'));
}

/**
 * An event's message; built once per event and shared by every stream it goes to. Written out
 * rather than through `formatSseMessage`: the cursor and kind are single-line by construction and
 * `json` is one line of JSON (JSON escapes every line break inside strings), so there is nothing
 * to split or check on this hot path. The frame tests hold both to the same output.
 */
export function eventFrame(stored: StoredEvent): Buffer {
  return Buffer.from(eventFrameText(stored));
}

/** The text of {@link eventFrame}, for replay, which joins many frames into one write. */
export function eventFrameText(stored: StoredEvent): string {
  return `id: ${stored.cursor}\nevent: ${stored.kind}\ndata: ${escapeLineSeparators(stored.json)}\n\n`;
}

const LINE_SEPARATORS = /[\u2028\u2029]/g;
const HAS_LINE_SEPARATOR = /[\u2028\u2029]/;

/**
 * JSON leaves U+2028 and U+2029 raw inside strings, and some clients split lines on them: the
 * docs/PROTOCOL.md has `data:` carry them as `\u2028` and `\u2029`, which is the same JSON value.
 */
export function escapeLineSeparators(json: string): string {
  // Almost no event has one: a test (no match object, no replacement) is cheaper than `replace`.
  if (!HAS_LINE_SEPARATOR.test(json)) return json;
  return json.replace(LINE_SEPARATORS, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'));
}

/** The `gap` notice, without an `id` so the client's cursor stays where it was. */
export function gapFrame(gap: GapNotice): Buffer {
  return Buffer.from(formatSseMessage({ event: 'gap', data: JSON.stringify(gap) }));
}
