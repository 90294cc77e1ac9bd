/**
 * The api's error catalogue: every client-facing failure has a stable code and status here, and
 * the error middleware renders any `ApiError` (or any error with `status`, `code` and
 * `expose: true`, as the other packages throw) into docs/PROTOCOL.md's envelope.
 */
export interface ErrorDetail {
  readonly [key: string]: unknown;
}

export class ApiError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly ErrorDetail[],
    /** Extra response headers, e.g. `Retry-After`. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, details?: readonly ErrorDetail[]) =>
  new ApiError(400, 'BAD_REQUEST', message, details);
export const validationFailed = (message: string, details?: readonly ErrorDetail[]) =>
  new ApiError(400, 'VALIDATION_FAILED', message, details);
export const notFound = () => new ApiError(404, 'NOT_FOUND', 'not found');
export const forbidden = (message: string) => new ApiError(403, 'FORBIDDEN', message);
export const runNotFound = () => new ApiError(404, 'RUN_NOT_FOUND', 'run not found');
export const methodNotAllowed = () => new ApiError(405, 'METHOD_NOT_ALLOWED', 'method not allowed');
export const notImplemented = () => new ApiError(501, 'NOT_IMPLEMENTED', 'method not implemented');
export const payloadTooLarge = (limitBytes: number) =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', `request body is larger than ${limitBytes} bytes`);
export const unsupportedMediaType = (message = 'request body must be application/json in UTF-8') =>
  new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', message);

// Idempotency keys on the ingest routes (docs/PROTOCOL.md §4, "Exactly once").
export const invalidIdempotencyKey = () =>
  new ApiError(400, 'BAD_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
export const idempotencyKeyInUse = () =>
  new ApiError(
    409,
    'IDEMPOTENCY_KEY_IN_USE',
    'a request with this Idempotency-Key is in flight; retry later',
    undefined,
    { 'Retry-After': '1' },
  );
export const idempotencyKeyReused = () =>
  new ApiError(
    422,
    'IDEMPOTENCY_KEY_REUSED',
    'this Idempotency-Key was used with a different request; use a new key for a new request',
  );
export const tooManyStreams = (limit: number) =>
  new ApiError(429, 'TOO_MANY_STREAMS', `too many concurrent streams for this user (max ${limit})`);
export const serviceUnavailable = (message: string) => new ApiError(503, 'SERVICE_UNAVAILABLE', message);
/** The instance cannot serve what needs the log or the store now; another instance may. */
export const unavailableFor = (message: string, retryAfterSeconds: number) =>
  new ApiError(503, 'SERVICE_UNAVAILABLE', message, undefined, { 'Retry-After': String(retryAfterSeconds) });
export const internalError = () => new ApiError(500, 'INTERNAL_ERROR', 'internal server error');

// Auth routes (docs/PROTOCOL.md §6).
export const signUpDisabled = () =>
  new ApiError(403, 'SIGN_UP_DISABLED', 'sign-up is disabled on this server (set ALLOW_SIGN_UP=true)');
export const userExists = (field: 'email' | 'username') =>
  new ApiError(409, 'USER_EXISTS', `a user with this ${field} already exists`, [
    { path: field, message: 'already taken' },
  ]);
export const invalidCredentials = () =>
  new ApiError(401, 'INVALID_CREDENTIALS', 'Invalid email, username or password');
export const tooManyRequests = (retryAfterSeconds: number, what: 'sign-in' | 'sign-up' = 'sign-in') =>
  new ApiError(
    429,
    'TOO_MANY_REQUESTS',
    `too many ${what} attempts; retry in ${retryAfterSeconds} s`,
    undefined,
    { 'Retry-After': String(retryAfterSeconds) },
  );

export const crossSiteRefused = () =>
  new ApiError(
    403,
    'FORBIDDEN',
    'cross-site request refused: this route changes state with the session cookie',
  );
export const apiKeyNotFound = () => new ApiError(404, 'API_KEY_NOT_FOUND', 'API key not found');

const MAX_ECHOED_CHARS = 100;

/** Client input quoted in an error message, cut to a bounded prefix so errors stay small. */
export function echoInput(text: string): string {
  return text.length > MAX_ECHOED_CHARS
    ? `${text.slice(0, MAX_ECHOED_CHARS)}… (${text.length} characters)`
    : text;
}
