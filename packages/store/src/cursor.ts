import { InvalidCursorError } from './errors.js';

/** The two parts of a cursor: the log's epoch and the event's sequence number in that epoch. */
export interface Cursor {
  epoch: string;
  seq: number;
}

const EPOCH_PATTERN = /^[a-z0-9]{1,32}$/;
// 16 digits hold every safe integer (2^53 - 1 has 16 digits), so padding keeps cursors of one
// epoch in the same order as text and as numbers.
const SEQ_DIGITS = 16;
const CURSOR_PATTERN = /^([a-z0-9]{1,32})-(\d{16})$/;

/** Whether `epoch` can be the epoch part of a cursor: 1 to 32 characters of `[a-z0-9]`. */
export function isValidEpoch(epoch: unknown): epoch is string {
  return typeof epoch === 'string' && EPOCH_PATTERN.test(epoch);
}

/**
 * Formats the cursor of event `seq` in `epoch` as `<epoch>-<seq as 16 zero-padded digits>`.
 * Throws a `RangeError` for an epoch outside `[a-z0-9]{1,32}` or a seq that is not a positive
 * safe integer (those are programming errors, not client input).
 *
 * @example
 * formatCursor('lq3k9x2a', 42); // 'lq3k9x2a-0000000000000042'
 */
export function formatCursor(epoch: string, seq: number): string {
  if (!isValidEpoch(epoch)) {
    throw new RangeError(`cursor epoch must be 1 to 32 characters of [a-z0-9], got ${JSON.stringify(epoch)}`);
  }
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new RangeError(`cursor seq must be a positive safe integer, got ${String(seq)}`);
  }
  return `${epoch}-${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/**
 * {@link formatCursor} for one epoch, checked once: for a log that formats a cursor per appended
 * event. Throws as `formatCursor` does, for the epoch now and for a seq when called.
 */
export function cursorFormatter(epoch: string): (seq: number) => string {
  formatCursor(epoch, 1);
  const prefix = `${epoch}-`;
  return (seq) =>
    Number.isSafeInteger(seq) && seq >= 1
      ? prefix + String(seq).padStart(SEQ_DIGITS, '0')
      : formatCursor(epoch, seq);
}

/**
 * Reads a cursor made by {@link formatCursor}. Throws {@link InvalidCursorError}
 * (`invalid cursor: <text>`, status 400) for anything else, including seq 0.
 *
 * @example
 * parseCursor('lq3k9x2a-0000000000000042'); // { epoch: 'lq3k9x2a', seq: 42 }
 */
export function parseCursor(text: string): Cursor {
  const match = typeof text === 'string' ? CURSOR_PATTERN.exec(text) : null;
  const epoch = match?.[1];
  const digits = match?.[2];
  if (epoch === undefined || digits === undefined) {
    throw new InvalidCursorError(typeof text === 'string' ? text : echo(text));
  }
  const seq = Number(digits);
  if (seq < 1 || !Number.isSafeInteger(seq)) {
    throw new InvalidCursorError(text);
  }
  return { epoch, seq };
}

/** A non-string as `String` shows it, or by its tag when it cannot be converted (`{ toString: '' }`). */
function echo(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
