/**
 * The auth package's error catalogue. Errors meant for clients carry `status`, a stable `code`,
 * `expose: true` and extra response `headers`; the api's error middleware renders them as
 * `{"error":{"code","message"}}`, so the messages here are the exact docs/PROTOCOL.md texts.
 */
export class AuthError extends Error {
  readonly expose = true;

  constructor(
    /** HTTP status to answer with. */
    readonly status: number,
    /** Stable UPPER_SNAKE code for the error envelope. */
    readonly code: string,
    message: string,
    /** Response headers that belong with this error (RFC 7235 asks a 401 to name its scheme). */
    readonly headers: Readonly<Record<string, string>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No access token in the `ironflow_token` cookie nor in `Authorization: Bearer`. */
export class MissingTokenError extends AuthError {
  constructor() {
    super(401, 'MISSING_TOKEN', 'No authentication token provided', {
      'WWW-Authenticate': 'Bearer realm="ironflow"',
    });
  }
}

/**
 * A token that fails any check. The message never says which one (that would help an attacker);
 * `cause` keeps the reason for logs.
 */
export class InvalidTokenError extends AuthError {
  constructor(options?: ErrorOptions) {
    super(
      401,
      'INVALID_TOKEN',
      'Invalid or expired authentication token',
      { 'WWW-Authenticate': 'Bearer realm="ironflow", error="invalid_token"' },
      options,
    );
  }
}

/** A worker request without the configured `WORKER_TOKEN`. */
export class InvalidWorkerTokenError extends AuthError {
  constructor() {
    super(401, 'INVALID_WORKER_TOKEN', 'Invalid or missing worker token', {
      'WWW-Authenticate': 'Bearer realm="ironflow-worker"',
    });
  }
}

/**
 * A stored password hash that cannot be parsed: corrupt data, not a client mistake, so it is not
 * exposed and surfaces as a 500 with its cause logged.
 */
export class InvalidPasswordHashError extends Error {
  readonly code = 'INVALID_PASSWORD_HASH';

  constructor(reason: string) {
    super(`invalid password hash: ${reason}`);
    this.name = 'InvalidPasswordHashError';
  }
}

/**
 * Too many password hashes are running or queued: the sign-in or sign-up is refused at once
 * rather than queued without bound, so a flood of them cannot hold libuv's thread pool (which
 * file reads, compression and DNS share) or the memory each scrypt takes.
 */
export class PasswordHasherBusyError extends AuthError {
  constructor(retryAfterSeconds: number) {
    super(503, 'SERVICE_UNAVAILABLE', 'too many sign-ins and sign-ups in progress; retry shortly', {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}
