// The auth calls the page makes (docs/PROTOCOL.md §6). Cookies carry the session, so nothing here holds a token.

/** The signed-in user, as far as the page needs to know. */
export interface SessionUser {
  readonly username: string;
  readonly isAdmin: boolean;
}

/** One entry of the envelope's `details`: which field is wrong and why. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** A non-2xx answer, with docs/PROTOCOL.md §7 envelope's code, message and field details when the body has them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const AUTH = '/api/v1/auth';

function fieldProblems(details: unknown): FieldProblem[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((item: { path?: unknown; message?: unknown } | null) =>
    typeof item?.path === 'string' && typeof item.message === 'string'
      ? [{ path: item.path, message: item.message }]
      : [],
  );
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  return request(method, `${AUTH}/${path}`, body);
}

/**
 * A JSON call to the api with the session cookie: its `data` (the whole body with `whole`, for
 * answers whose `meta` matters), or an {@link ApiError}.
 */
export async function request(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  whole = false,
): Promise<unknown> {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): reported below by status.
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)
      ?.error;
    const retryAfter = response.headers.get('retry-after');
    const message =
      typeof error?.message === 'string' ? error.message : `request failed (${response.status})`;
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      retryAfter ? `${message} (try again in ${retryAfter} s)` : message,
      fieldProblems(error?.details),
    );
  }
  return whole ? json : ((json as { data?: unknown } | null)?.data ?? null);
}

/** Reads the user out of a `data` that is the user itself or wraps it as `{ user }`. */
function toUser(data: unknown, fallbackName: string): SessionUser {
  const record = (data ?? {}) as Record<string, unknown>;
  const user = (typeof record.user === 'object' && record.user !== null ? record.user : record) as Record<
    string,
    unknown
  >;
  return {
    username: typeof user.username === 'string' ? user.username : fallbackName,
    isAdmin: user.is_admin === true,
  };
}

/** The current user, or null when not signed in (`401`). */
export async function fetchSession(): Promise<SessionUser | null> {
  try {
    return toUser(await call('GET', 'me'), 'you');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Signs in by username, or by email when `login` contains an `@`. */
export async function signIn(login: string, password: string): Promise<SessionUser> {
  const body = login.includes('@') ? { email: login, password } : { username: login, password };
  return toUser(await call('POST', 'sign-in', body), login);
}

export async function signUp(email: string, username: string, password: string): Promise<SessionUser> {
  return toUser(await call('POST', 'sign-up', { email, username, password }), username);
}

export async function signOut(): Promise<void> {
  await call('POST', 'sign-out');
}

/** Trades the refresh cookie for a new access cookie; false when the session cannot be renewed. */
export async function refreshSession(): Promise<boolean> {
  try {
    await call('POST', 'refresh');
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
    throw error;
  }
}
