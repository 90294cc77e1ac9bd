import { type BackoffSettings, backoffDelay } from './backoff-delay.js';
import { type Credential, currentCredential } from './credential.js';
import { IngestError } from './errors.js';
import type { StreamFetch } from './event-source-like.js';
import type { IngestAnswer } from './ingest-types.js';
import { readErrorEnvelope } from './read-error-envelope.js';
import { retryAfterMs } from './retry-after.js';

/** How {@link sendIngestRequest} reaches the server and retries. */
export interface IngestTransport {
  readonly credential: Credential;
  readonly fetch: StreamFetch;
  readonly maxAttempts: number;
  readonly backoff: BackoffSettings;
  readonly requestTimeoutMs: number;
}

/** Answers worth another attempt: the same body with the same key cannot be stored twice. */
function isRetryable(status: number, code: string): boolean {
  if (status === 409) return code === 'IDEMPOTENCY_KEY_IN_USE'; // the first attempt is still running
  return status === 408 || status === 429 || status >= 500;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs one batch, retrying network errors, timeouts, `408`, `429` and `5xx` (after `Retry-After`
 * when the server gives one, else an exponential backoff with jitter) with ONE `Idempotency-Key`
 * for all attempts, so a server that remembers keys stores the batch once however often it is sent.
 * A `401` asks a credential function once more; any other answer is final.
 */
export async function sendIngestRequest(
  transport: IngestTransport,
  url: string,
  body: string,
): Promise<IngestAnswer> {
  const key = crypto.randomUUID();
  let refreshed = typeof transport.credential === 'string';
  let lastFailure: {
    status: number | null;
    code: string;
    message: string;
    details?: unknown;
    cause?: unknown;
  } = { status: null, code: 'NETWORK_ERROR', message: 'no attempt made' };
  for (let attempt = 1; attempt <= transport.maxAttempts; attempt += 1) {
    let response: Response;
    let text: string | null = null;
    try {
      const credential = await currentCredential(transport.credential);
      response = await transport.fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${credential}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body,
        signal: AbortSignal.timeout(transport.requestTimeoutMs),
      });
      // A connection cut while the answer arrives is a network error like any other: retried.
      if (response.ok) text = await response.text();
    } catch (error) {
      if (error instanceof IngestError) throw error;
      lastFailure = {
        status: null,
        code: 'NETWORK_ERROR',
        message: `request failed: ${describeNetworkError(error)}`,
        cause: error,
      };
      if (attempt < transport.maxAttempts) await wait(backoffDelay(attempt - 1, transport.backoff));
      continue;
    }
    if (text !== null) return parseAnswer(response.status, text, attempt);
    const envelope = await readErrorEnvelope(response);
    lastFailure = { status: response.status, ...envelope };
    if (response.status === 401 && !refreshed) {
      // A token may have expired between two attempts: ask the function for a fresh one, once.
      refreshed = true;
      attempt -= 1;
      continue;
    }
    if (!isRetryable(response.status, envelope.code)) {
      throw new IngestError(envelope.code, `${envelope.message} (HTTP ${response.status})`, {
        status: response.status,
        details: envelope.details,
        attempts: attempt,
      });
    }
    if (attempt < transport.maxAttempts) {
      const asked = retryAfterMs(response.headers.get('retry-after'), transport.backoff.maxDelayMs);
      await wait(asked ?? backoffDelay(attempt - 1, transport.backoff));
    }
  }
  throw new IngestError(
    lastFailure.code,
    `gave up after ${transport.maxAttempts} attempts: ${lastFailure.message}${lastFailure.status === null ? '' : ` (HTTP ${lastFailure.status})`}`,
    {
      status: lastFailure.status,
      details: lastFailure.details,
      attempts: transport.maxAttempts,
      cause: lastFailure.cause,
    },
  );
}

/** `fetch failed` says little; its cause (ECONNRESET, a timeout) says what happened. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function parseAnswer(status: number, text: string, attempts: number): IngestAnswer {
  let data: Partial<IngestAnswer> | undefined;
  try {
    data = (JSON.parse(text) as { data?: Partial<IngestAnswer> }).data;
  } catch (error) {
    throw new IngestError('INVALID_ANSWER', `the server's ${status} answer is not JSON`, {
      status,
      attempts,
      cause: error,
    });
  }
  if (typeof data?.accepted !== 'number') {
    throw new IngestError('INVALID_ANSWER', `the server's ${status} answer has no data.accepted`, {
      status,
      attempts,
    });
  }
  return { accepted: data.accepted, first_id: data.first_id ?? null, last_id: data.last_id ?? null };
}
