import {
  InvalidStatusChangeError,
  type IronflowEvent,
  type RunStatusChange,
  runStatusChangeEvents,
  validateEvent,
} from '@ironflow/engine';
import { baseUrlOf } from './base-url.js';
import { checkCredential } from './credential.js';
import { IngestError, InvalidClientOptionError } from './errors.js';
import type {
  IngestAnswer,
  IngestClient,
  IngestClientOptions,
  LogBatch,
  PublishableEvent,
} from './ingest-types.js';
import { type IngestTransport, sendIngestRequest } from './send-ingest-request.js';

/** The ingest routes, after the base URL. */
export const INGEST_EVENTS_PATH = '/api/v1/internal/events';
const logsPath = (runId: string): string => `/api/v1/internal/runs/${encodeURIComponent(runId)}/logs`;

const SERVER_MAX_EVENTS = 1000;
const SERVER_MAX_BYTES = 2 * 1024 * 1024;
const encoder = new TextEncoder();
const byteLength = (text: string): number => encoder.encode(text).length;

/** One atomic piece of work: events sent in one request (maybe with other units), or one logs request. */
interface Unit {
  readonly path: string | null; // null: the events route, mergeable with neighbours
  readonly items: readonly string[]; // events as JSON, or the logs body as its one item
  readonly bytes: number;
  readonly resolve: (answer: IngestAnswer) => void;
  readonly reject: (error: unknown) => void;
}

function intOption(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < min || resolved > max) {
    throw new InvalidClientOptionError(
      `${name} must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return resolved;
}

function combine(answers: readonly IngestAnswer[]): IngestAnswer {
  const stored = answers.filter((answer) => answer.accepted > 0);
  return {
    accepted: answers.reduce((sum, answer) => sum + answer.accepted, 0),
    first_id: stored[0]?.first_id ?? null,
    last_id: stored.at(-1)?.last_id ?? null,
  };
}

const refused = (code: string, message: string, details?: unknown): IngestError =>
  new IngestError(code, message, { status: null, details, attempts: 0 });

/**
 * Creates a producer's client of the ingest routes. Calls are sent in order, one request at a
 * time (so events keep the order of the calls), each request carrying as many waiting calls as fit
 * in `maxBatchEvents` and `maxBatchBytes`; each request is retried with one `Idempotency-Key`.
 * Uses `fetch` only: it runs in browsers, Node, Deno and workers.
 *
 * @throws {InvalidClientOptionError} for a bad option.
 * @example
 * const ingest = createIngestClient({ url: 'https://ironflow.example.com', credential: apiKey });
 * const { first_id } = await ingest.publish({ type: 'run_created', run_id, workflow_name: 'deploy' });
 * await ingest.publishRunStatusChange({ run_id, workflow_name: 'deploy', from: 'running', to: 'failed',
 *   error: 'exit 1', cost_usd: 0.1, duration_ms: 900 }); // run_status_changed + run_failed, atomically
 * await ingest.close();
 */
export function createIngestClient(options: IngestClientOptions): IngestClient {
  const base = baseUrlOf(options.url, INGEST_EVENTS_PATH);
  if (options.credential === undefined) {
    throw new InvalidClientOptionError(
      'credential is required: the worker token, an irfl_ API key, or a function returning one',
    );
  }
  checkCredential('credential', options.credential);
  const maxEvents = intOption(
    'maxBatchEvents',
    options.maxBatchEvents,
    SERVER_MAX_EVENTS,
    1,
    SERVER_MAX_EVENTS,
  );
  const maxBytes = intOption(
    'maxBatchBytes',
    options.maxBatchBytes,
    SERVER_MAX_BYTES,
    1024,
    SERVER_MAX_BYTES,
  );
  const lingerMs = intOption('lingerMs', options.lingerMs, 0, 0, 60_000);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function')
    throw new InvalidClientOptionError('no fetch: pass the `fetch` option');
  const initialDelayMs = intOption('retry.initialDelayMs', options.retry?.initialDelayMs, 200, 1, 3_600_000);
  const transport: IngestTransport = {
    credential: options.credential,
    fetch: fetchImpl,
    maxAttempts: intOption('retry.maxAttempts', options.retry?.maxAttempts, 8, 1, 1000),
    backoff: {
      initialDelayMs,
      maxDelayMs: intOption('retry.maxDelayMs', options.retry?.maxDelayMs, 30_000, initialDelayMs, 3_600_000),
    },
    requestTimeoutMs: intOption('requestTimeoutMs', options.requestTimeoutMs, 30_000, 1, 3_600_000),
  };

  const queue: Unit[] = [];
  let pumping: Promise<void> | null = null;
  let closed = false;

  function enqueue(path: string | null, items: string[], bytes: number): Promise<IngestAnswer> {
    return new Promise((resolve, reject) => {
      queue.push({ path, items, bytes, resolve, reject });
      pumping ??= pump().finally(() => {
        pumping = null;
      });
    });
  }

  async function pump(): Promise<void> {
    // Calls made in the same tick (or within lingerMs) share the first request.
    await new Promise((resolve) => setTimeout(resolve, lingerMs));
    while (queue.length > 0) {
      const batch = takeBatch();
      const first = batch[0] as Unit;
      const path = first.path ?? INGEST_EVENTS_PATH;
      const items = batch.flatMap((unit) => unit.items);
      const body = first.path === null ? `[${items.join(',')}]` : (items[0] as string);
      try {
        const answer = await sendIngestRequest(transport, `${base}${path}`, body);
        for (const unit of batch)
          unit.resolve({
            accepted: first.path === null ? unit.items.length : answer.accepted,
            first_id: answer.first_id,
            last_id: answer.last_id,
          });
      } catch (error) {
        settleRefusedBatch(batch, error);
      }
    }
  }

  /** The head unit, and while they fit, the event units after it. */
  function takeBatch(): Unit[] {
    const head = queue.shift() as Unit;
    const batch = [head];
    if (head.path !== null) return batch;
    let events = head.items.length;
    let bytes = head.bytes;
    while (queue.length > 0) {
      const next = queue[0] as Unit;
      // The body is `[` + the units' JSON joined by commas + `]`.
      if (
        next.path !== null ||
        events + next.items.length > maxEvents ||
        bytes + 1 + next.bytes + 2 > maxBytes
      )
        break;
      queue.shift();
      batch.push(next);
      events += next.items.length;
      bytes += next.bytes + 1;
    }
    return batch;
  }

  /**
   * A refused request stored nothing. When it merged several calls and the server named the bad
   * items, only the calls holding them fail; the others go back to the front of the queue.
   */
  function settleRefusedBatch(batch: Unit[], error: unknown): void {
    const badIndexes = validationIndexes(error);
    if (batch.length === 1 || badIndexes === null) {
      for (const unit of batch) unit.reject(error);
      return;
    }
    const retry: Unit[] = [];
    let offset = 0;
    for (const unit of batch) {
      const end = offset + unit.items.length;
      const own = [...badIndexes].filter((index) => index >= offset && index < end);
      if (own.length === 0) retry.push(unit);
      else unit.reject(ownValidationError(error as IngestError, offset, end));
      offset = end;
    }
    queue.unshift(...retry);
  }

  function checkOpen(): void {
    if (closed) throw refused('CLIENT_CLOSED', 'the ingest client is closed');
  }

  /** Validates and serialises events, then cuts them into atomic units that each fit one request. */
  function eventUnits(events: readonly unknown[]): Promise<IngestAnswer> {
    const issues: { index: number; path: string; message: string }[] = [];
    const json: string[] = [];
    events.forEach((event, index) => {
      const result = validateEvent(event);
      if (!result.ok) for (const issue of result.issues) issues.push({ index, ...issue });
      // Sent as given, not as validated: the server fills defaults and keeps unknown fields.
      else json.push(JSON.stringify(event));
    });
    if (issues.length > 0) {
      const first = issues[0] as (typeof issues)[number];
      return Promise.reject(
        refused(
          'VALIDATION_FAILED',
          `event ${first.index}: ${first.path === '' ? '' : `${first.path}: `}${first.message}`,
          issues,
        ),
      );
    }
    const sizes = json.map(byteLength);
    const tooLarge = sizes.findIndex((size) => size + 2 > maxBytes);
    if (tooLarge !== -1) {
      return Promise.reject(
        refused(
          'PAYLOAD_TOO_LARGE',
          `event ${tooLarge} is ${sizes[tooLarge]} bytes of JSON, more than maxBatchBytes (${maxBytes})`,
        ),
      );
    }
    const units: Promise<IngestAnswer>[] = [];
    let start = 0;
    let bytes = 2; // the body's brackets
    sizes.forEach((size, index) => {
      const comma = index > start ? 1 : 0;
      if (index - start === maxEvents || bytes + comma + size > maxBytes) {
        units.push(enqueue(null, json.slice(start, index), bytes - 2));
        start = index;
        bytes = 2;
      }
      bytes += size + (index > start ? 1 : 0);
    });
    if (start < json.length) units.push(enqueue(null, json.slice(start), bytes - 2));
    return Promise.all(units).then(combine);
  }

  return {
    async publish(events) {
      checkOpen();
      const list = Array.isArray(events)
        ? (events as readonly PublishableEvent[])
        : [events as PublishableEvent];
      if (list.length === 0) return { accepted: 0, first_id: null, last_id: null };
      return eventUnits(list);
    },

    async publishLogs(runId, batch) {
      checkOpen();
      return logUnits(runId, batch);
    },

    async publishRunStatusChange(change: RunStatusChange) {
      checkOpen();
      let events: IronflowEvent[];
      try {
        events = runStatusChangeEvents(change);
      } catch (error) {
        if (error instanceof InvalidStatusChangeError) throw refused('INVALID_STATUS_CHANGE', error.message);
        const issues = (error as { issues?: unknown }).issues;
        throw refused('VALIDATION_FAILED', (error as Error).message, issues);
      }
      // One unit: the pair is never split between requests, so a reader never sees one without the other.
      const json = events.map((event) => JSON.stringify(event));
      return enqueue(
        null,
        json,
        json.reduce((sum, text) => sum + byteLength(text) + 1, -1),
      );
    },

    async flush() {
      while (pumping !== null) await pumping;
    },

    async close() {
      closed = true;
      while (pumping !== null) await pumping;
    },
  };

  function logUnits(runId: string, batch: LogBatch): Promise<IngestAnswer> {
    const { step_id, step_name, stream, lines } = batch;
    // The shared fields checked once, as the server does; `id` stands in for the server's own.
    const check = validateEvent({
      type: 'log_line',
      id: crypto.randomUUID(),
      run_id: runId,
      step_id,
      step_name,
      stream,
      line: '',
    });
    if (!check.ok) {
      const first = check.issues[0];
      return Promise.reject(refused('VALIDATION_FAILED', `${first?.path}: ${first?.message}`, check.issues));
    }
    if (!Array.isArray(lines) || lines.some((line) => typeof line !== 'string')) {
      return Promise.reject(refused('VALIDATION_FAILED', 'lines must be an array of strings'));
    }
    if (lines.length === 0) return Promise.resolve({ accepted: 0, first_id: null, last_id: null });
    const head = JSON.stringify({ step_id, step_name, stream, lines: [] });
    const units: Promise<IngestAnswer>[] = [];
    let chunk: string[] = [];
    let bytes = byteLength(head);
    const send = (): void => {
      units.push(enqueue(logsPath(runId), [`${head.slice(0, -2)}${chunk.join(',')}]}`], bytes));
      chunk = [];
      bytes = byteLength(head);
    };
    for (const line of lines) {
      const text = JSON.stringify(line);
      const size = byteLength(text) + 1;
      if (byteLength(head) + size > maxBytes) {
        return Promise.reject(
          refused(
            'PAYLOAD_TOO_LARGE',
            `a log line of ${size} bytes does not fit maxBatchBytes (${maxBytes})`,
          ),
        );
      }
      if (chunk.length === maxEvents || bytes + size > maxBytes) send();
      chunk.push(text);
      bytes += size;
    }
    send();
    return Promise.all(units).then(combine);
  }
}

/** The item indexes a `400 VALIDATION_FAILED` names, or `null` when it names none. */
function validationIndexes(error: unknown): Set<number> | null {
  if (!(error instanceof IngestError) || error.code !== 'VALIDATION_FAILED' || !Array.isArray(error.details))
    return null;
  const indexes = new Set<number>();
  for (const detail of error.details as { index?: unknown }[]) {
    if (typeof detail?.index !== 'number') return null;
    indexes.add(detail.index);
  }
  return indexes.size > 0 ? indexes : null;
}

/** The part of a merged batch's `VALIDATION_FAILED` that concerns one call, indexes made its own. */
function ownValidationError(error: IngestError, start: number, end: number): IngestError {
  const details = (error.details as { index: number }[])
    .filter((detail) => detail.index >= start && detail.index < end)
    .map((detail) => ({ ...detail, index: detail.index - start }));
  return new IngestError(error.code, error.message, {
    status: error.status,
    details,
    attempts: error.attempts,
  });
}
