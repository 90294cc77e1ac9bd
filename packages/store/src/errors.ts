/**
 * The errors of `@ironflow/store`. Each has a stable `code`; the ones a client may cause carry
 * an HTTP `status` and `expose: true`, so the api's error middleware can render them as they are.
 */

/** One problem with one item of an appended batch. */
export interface EventValidationDetail {
  /** Position of the item in the batch passed to `append`. */
  index: number;
  /** Dotted path of the offending field, e.g. `to` or `labels.env`. */
  path: string;
  message: string;
}

/** Base class: lets callers tell store errors apart with one `instanceof`. */
export abstract class StoreError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly expose: boolean;
}

// Cursors come from clients (headers, query strings) and may be long; the message names the
// cursor but stays bounded so it can be echoed back safely.
const MAX_ECHOED_CURSOR = 200;

/** A cursor text that `parseCursor` cannot read. */
export class InvalidCursorError extends StoreError {
  override readonly name = 'InvalidCursorError';
  readonly code = 'INVALID_CURSOR';
  readonly status = 400;
  readonly expose = true;

  constructor(readonly cursor: string) {
    const shown = cursor.length > MAX_ECHOED_CURSOR ? `${cursor.slice(0, MAX_ECHOED_CURSOR)}…` : cursor;
    super(`invalid cursor: ${shown}`);
  }
}

/** At least one item of an appended batch is not a valid event; nothing of the batch was stored. */
export class EventValidationError extends StoreError {
  override readonly name = 'EventValidationError';
  readonly code = 'VALIDATION_FAILED';
  readonly status = 400;
  readonly expose = true;

  /**
   * @param details the first problems (at most `MAX_VALIDATION_DETAILS` when built by the logs)
   * @param total how many problems there are in all, listed or not
   * @param invalidItems how many items of the batch are invalid
   */
  constructor(
    readonly details: readonly EventValidationDetail[],
    batchSize: number,
    readonly total: number = details.length,
    invalidItems: number = new Set(details.map((detail) => detail.index)).size,
  ) {
    const first = details[0];
    const where = first ? `: [${first.index}] ${first.path ? `${first.path}: ` : ''}${first.message}` : '';
    const listed = total > details.length ? `; ${details.length} listed` : '';
    const more = total > 1 ? ` (and ${total - 1} more${listed})` : '';
    super(`${invalidItems} of ${batchSize} events failed validation${where}${more}`);
  }
}

/** The log was closed; it accepts no more appends or reads. */
export class EventLogClosedError extends StoreError {
  override readonly name = 'EventLogClosedError';
  readonly code = 'EVENT_LOG_CLOSED';
  readonly status = 503;
  readonly expose = false;

  constructor() {
    super('the event log is closed; create a new one to append or read');
  }
}

/** A user with the same email or username (compared case-insensitively) already exists. */
export class UserExistsError extends StoreError {
  override readonly name = 'UserExistsError';
  readonly code = 'USER_EXISTS';
  readonly status = 409;
  readonly expose = true;

  constructor(readonly field: 'email' | 'username') {
    super(`a user with this ${field} already exists`);
  }
}

/**
 * The database did not answer in time or the connection failed (refused, reset, terminated,
 * timed out). Not an internal error: the api answers it `503 SERVICE_UNAVAILABLE` with
 * `Retry-After`, and the caller may retry once the database is back. `cause` holds the driver's
 * error.
 */
export class StoreUnavailableError extends StoreError {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly status = 503;
  readonly expose = true;
  /** Rendered as they are by the api's error middleware. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    message = 'the database is unavailable; retry shortly',
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.headers = { 'Retry-After': String(options.retryAfterSeconds ?? 1) };
  }
}

/** Another API key already has this lookup prefix; the caller draws a new key and retries. */
export class ApiKeyPrefixTakenError extends StoreError {
  override readonly name = 'ApiKeyPrefixTakenError';
  readonly code = 'API_KEY_PREFIX_TAKEN';
  readonly status = 500;
  readonly expose = false;

  constructor() {
    super('another API key already has this prefix');
  }
}

/**
 * An idempotent append's claim on its key expired and another request took the key over, so
 * this one stored nothing: the other request's answer is the one that counts.
 */
export class IdempotencyKeyInUseError extends StoreError {
  override readonly name = 'IdempotencyKeyInUseError';
  readonly code = 'IDEMPOTENCY_KEY_IN_USE';
  readonly status = 409;
  readonly expose = true;

  constructor() {
    super('a request with this Idempotency-Key is in flight; retry later');
  }
}
