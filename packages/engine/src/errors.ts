/** One problem found in an event: where (`labels.env`, `to`, `""` for the root) and what. */
export interface EventIssue {
  readonly path: string;
  readonly message: string;
}

interface EngineErrorOptions {
  readonly status?: number;
  readonly expose?: boolean;
  readonly details?: unknown;
  readonly cause?: unknown;
}

/**
 * Base class of every error thrown by `@ironflow/engine`.
 *
 * `code` is stable (UPPER_SNAKE) and safe to branch on; `status` and `expose` tell an HTTP layer whether
 * the message may reach a client and with which status.
 */
export class EngineError extends Error {
  override readonly name: string = 'EngineError';
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly details: unknown;

  constructor(code: string, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? false;
    this.details = options.details;
  }
}

const MAX_ECHOED_CHARS = 100;

/**
 * A string that is not one of the event kinds. Message: exactly `unknown event kind: <value>` (a value
 * over 100 characters is cut there, with its length); the kinds that would have been accepted are in
 * `knownKinds` and, for an HTTP layer to show, in `details` as `{ known_kinds: [...] }`.
 */
export class UnknownEventKindError extends EngineError {
  // Spelled out rather than read from the constructor, which a minifier may rename.
  override readonly name = 'UnknownEventKindError';
  declare readonly code: 'UNKNOWN_EVENT_KIND';
  /** The rejected text, as given. */
  readonly value: string;
  /** The kind names accepted where the value was given (empty when the thrower did not say). */
  readonly knownKinds: readonly string[];

  constructor(value: string, knownKinds: readonly string[] = []) {
    // The message goes back to clients: echo a bounded prefix, never a 2 MiB value.
    const echoed =
      value.length > MAX_ECHOED_CHARS
        ? `${value.slice(0, MAX_ECHOED_CHARS)}… (${value.length} characters)`
        : value;
    super('UNKNOWN_EVENT_KIND', `unknown event kind: ${echoed}`, {
      status: 400,
      expose: true,
      details: knownKinds.length > 0 ? { known_kinds: knownKinds } : undefined,
    });
    this.value = value;
    this.knownKinds = knownKinds;
  }
}

/** A run status change docs/PROTOCOL.md transition table does not allow. Message: `invalid status change: a -> b`. */
export class InvalidStatusChangeError extends EngineError {
  override readonly name = 'InvalidStatusChangeError';
  declare readonly code: 'INVALID_STATUS_CHANGE';
  readonly from: string;
  readonly to: string;

  constructor(from: string, to: string) {
    super('INVALID_STATUS_CHANGE', invalidStatusChangeMessage(from, to), { status: 400, expose: true });
    this.from = from;
    this.to = to;
  }
}

/** An event that failed validation; `details` lists every issue. */
export class InvalidEventError extends EngineError {
  override readonly name = 'InvalidEventError';
  declare readonly code: 'INVALID_EVENT';
  declare readonly details: readonly EventIssue[];

  constructor(issues: readonly EventIssue[]) {
    const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    super('INVALID_EVENT', `invalid event: ${summary.join('; ')}`, {
      status: 400,
      expose: true,
      details: issues,
    });
  }
}

/** Reported through `onError` when a subscriber's queue is full and its oldest queued event is dropped. */
export class SubscriberQueueOverflowError extends EngineError {
  override readonly name = 'SubscriberQueueOverflowError';
  declare readonly code: 'SUBSCRIBER_QUEUE_OVERFLOW';

  constructor(subscriber: string, limit: number, droppedKind: string) {
    super(
      'SUBSCRIBER_QUEUE_OVERFLOW',
      `subscriber "${subscriber}" has more than ${limit} queued events: dropped its oldest queued ${droppedKind} event`,
    );
  }
}

/** An option or argument that cannot work, found when an object is built or a subscriber added. */
export class InvalidOptionError extends EngineError {
  override readonly name = 'InvalidOptionError';
  declare readonly code: 'INVALID_OPTION';

  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}

/** `subscribe` was called on a publisher after `close()`. */
export class PublisherClosedError extends EngineError {
  override readonly name = 'PublisherClosedError';
  declare readonly code: 'PUBLISHER_CLOSED';

  constructor() {
    super('PUBLISHER_CLOSED', 'the event publisher is closed: subscribe before calling close()');
  }
}

/** The one wording of a forbidden change, shared by the error and by `validateEvent`'s issue. */
export function invalidStatusChangeMessage(from: string, to: string): string {
  return `invalid status change: ${from} -> ${to}`;
}
