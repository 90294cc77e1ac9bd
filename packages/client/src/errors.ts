import type { GapNotice } from './subscription-types.js';

/** Base of every error this package throws or reports; `code` is stable, the message is for people. */
export class ClientError extends Error {
  /** A stable UPPER_SNAKE code, safe to branch on. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option of `subscribe` or `buildStreamUrl` is wrong; thrown at once, before any connection. */
export class InvalidClientOptionError extends ClientError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}

/**
 * A connection to the stream failed or was refused, or the credential function failed. Reported to
 * `onError`; the subscription retries unless `retryInMs` is `null`. `code` is the server's error
 * code when it answered with one (`BAD_REQUEST`, `INVALID_TOKEN`, `TOO_MANY_STREAMS`, …), else
 * `STREAM_CONNECTION_FAILED`.
 */
export class StreamConnectionError extends ClientError {
  /** The HTTP status, when known (`null` for a network failure). */
  readonly status: number | null;
  /** The server's own message from its error envelope, when it sent one. */
  readonly serverMessage: string | null;
  /** The backoff before the next attempt, or `null` when the subscription has closed for good. */
  readonly retryInMs: number | null;

  constructor(
    message: string,
    details: {
      status: number | null;
      retryInMs: number | null;
      code?: string | null;
      serverMessage?: string | null;
      cause?: unknown;
    },
  ) {
    super(details.code ?? 'STREAM_CONNECTION_FAILED', message, { cause: details.cause });
    this.status = details.status;
    this.serverMessage = details.serverMessage ?? null;
    this.retryInMs = details.retryInMs;
  }
}

/**
 * The ingest client could not store something: the server refused it (`status` and the envelope's
 * `code`, `message` and `details`), it could not be reached after every attempt (`status` `null`,
 * code `NETWORK_ERROR`), or it was refused before sending (`status` `null`: `VALIDATION_FAILED` with
 * the engine's issues, `PAYLOAD_TOO_LARGE`, `CLIENT_CLOSED`). Nothing of a refused batch is stored.
 */
export class IngestError extends ClientError {
  /** The server's HTTP status, or `null` when there was no answer or nothing was sent. */
  readonly status: number | null;
  /** The envelope's `details`: for `VALIDATION_FAILED`, `[{ index, path, message }]` (index within the call). */
  readonly details: unknown;
  /** Requests made for this batch (1 when the first answer was final; 0 when nothing was sent). */
  readonly attempts: number;

  constructor(
    code: string,
    message: string,
    info: { status: number | null; details?: unknown; attempts: number; cause?: unknown },
  ) {
    super(code, message, { cause: info.cause });
    this.status = info.status;
    this.details = info.details;
    this.attempts = info.attempts;
  }
}

/** A message's `data` is not a valid event of its SSE `event:` name. Reported to `onError`; the event is skipped. */
export class InvalidEventPayloadError extends ClientError {
  /** The SSE `event:` name the message came with. */
  readonly eventName: string;
  /** The message's cursor (`''` when it had none). */
  readonly id: string;
  /** The raw `data` text. */
  readonly data: string;
  /** What is wrong, one entry per problem (`path` `""` is the root). */
  readonly issues: readonly { readonly path: string; readonly message: string }[];

  constructor(
    eventName: string,
    id: string,
    data: string,
    issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    const first = issues[0];
    const where =
      first === undefined ? '' : `: ${first.path === '' ? '' : `${first.path}: `}${first.message}`;
    super('INVALID_EVENT_PAYLOAD', `invalid ${eventName} message${id === '' ? '' : ` ${id}`}${where}`);
    this.eventName = eventName;
    this.id = id;
    this.data = data;
    this.issues = issues;
  }
}

/** The server could not resume exactly and events were lost; reported to `onError` when there is no `onGap`. */
export class EventsLostError extends ClientError {
  readonly gap: GapNotice;

  constructor(gap: GapNotice) {
    super(
      'EVENTS_LOST',
      `events lost: cannot resume after ${gap.requested}; resumed after ${gap.resumed_after ?? 'the start of the log'}`,
    );
    this.gap = gap;
  }
}

/** One of the caller's handlers threw; reported to `onError` (never thrown into the EventSource). */
export class HandlerError extends ClientError {
  /** Which handler threw: `onEvent`, `onGap` or `onStateChange`. */
  readonly handler: string;

  constructor(handler: string, cause: unknown) {
    super('HANDLER_FAILED', `${handler} threw: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.handler = handler;
  }
}
