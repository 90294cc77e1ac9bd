/** What the server said about a refused request, from its JSON error envelope. */
export interface ServerErrorBody {
  /** The envelope's stable `UPPER_SNAKE` code, or `HTTP_<status>` when the body is not an envelope. */
  readonly code: string;
  /** The envelope's message, or the status line when the body is not an envelope. */
  readonly message: string;
  /** The envelope's `details` (for `VALIDATION_FAILED`: `[{ index, path, message }]`), when given. */
  readonly details: unknown;
}

/**
 * Reads `{"error":{"code","message","details"?}}` from a non-2xx response. A proxy's HTML page or an
 * empty body is not an error of its own: it yields `HTTP_<status>` and the status text.
 */
export async function readErrorEnvelope(response: Response): Promise<ServerErrorBody> {
  const fallback = {
    code: `HTTP_${response.status}`,
    message: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    details: undefined,
  };
  let text: string;
  try {
    text = await response.text();
  } catch {
    return fallback;
  }
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const error = body?.error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') return fallback;
    return { code: error.code, message: error.message, details: error.details };
  } catch {
    return fallback;
  }
}
