/** One Server-Sent Events message. Every field is optional; an empty message is a no-op. */
export interface SseMessage {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  /** Reconnection delay hint in milliseconds. */
  readonly retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Formats one SSE message as wire text, ending with the blank line that dispatches it.
 * `data` is split on every newline form so a payload can never end a message early; `id` and
 * `event` must be single-line (and `id` free of NUL, which browsers reject).
 *
 * @example formatSseMessage({ id: 'a-1', event: 'run_created', data: '{"type":"run_created"}' })
 * // 'id: a-1\nevent: run_created\ndata: {"type":"run_created"}\n\n'
 */
export function formatSseMessage(message: SseMessage): string {
  let text = '';
  if (message.id !== undefined) text += `id: ${singleLine('id', message.id, true)}\n`;
  if (message.event !== undefined) text += `event: ${singleLine('event', message.event, false)}\n`;
  if (message.retry !== undefined) {
    if (!Number.isInteger(message.retry) || message.retry < 0) {
      throw new RangeError(`SSE retry must be a non-negative integer, got ${message.retry}`);
    }
    text += `retry: ${message.retry}\n`;
  }
  if (message.data !== undefined) {
    for (const line of message.data.split(LINE_BREAK)) text += `data: ${line}\n`;
  }
  return `${text}\n`;
}

/** Formats an SSE comment (ignored by clients; used for keep-alives and the opening flush). */
export function formatSseComment(comment: string): string {
  let text = '';
  for (const line of comment.split(LINE_BREAK)) text += `: ${line}\n`;
  return `${text}\n`;
}

function singleLine(field: string, value: string, rejectNul: boolean): string {
  if (LINE_BREAK.test(value) || (rejectNul && value.includes('\0'))) {
    throw new TypeError(`SSE ${field} must be a single line without CR, LF${rejectNul ? ' or NUL' : ''}`);
  }
  return value;
}
