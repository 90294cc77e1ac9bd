import { EVENT_KINDS, type EventKind, type IronflowEvent } from '@ironflow/engine';
import { type GapNotice, parseEventData, parseGapData } from './parse-message.js';

/** What the connection indicator shows. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/** The stream's filters; an empty `types` means every kind. */
export interface StreamFilters {
  readonly runId: string | null;
  readonly types: readonly EventKind[];
}

export interface StreamHandlers {
  onEvent(cursor: string, event: IronflowEvent): void;
  onGap(gap: GapNotice): void;
  onState(state: ConnectionState): void;
  /** A message the page could not parse; it is skipped. */
  onInvalid(reason: string): void;
  /**
   * The EventSource gave up (an error status such as `401`, `429` or `503`). Resolve `true` to
   * reconnect with the last cursor after a backoff, `false` to stay stopped (e.g. signed out).
   */
  onGiveUp(): Promise<boolean>;
}

/**
 * Where a stream with these filters starts: live only, with the newest `backlog` matching events
 * first, all retained history, or after a cursor.
 */
export type StreamStart =
  | { readonly from: 'live' }
  | { readonly from: 'recent'; readonly backlog: number }
  | { readonly from: 'earliest' }
  | { readonly from: string };

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

export function streamUrl(filters: StreamFilters, lastEventId: string | null, backlog = 0): string {
  const query = new URLSearchParams();
  if (filters.runId) query.set('run_id', filters.runId);
  if (filters.types.length > 0 && filters.types.length < EVENT_KINDS.length)
    query.set('types', filters.types.join(','));
  if (lastEventId !== null) query.set('last_event_id', lastEventId);
  // The server ignores it next to a cursor; sent only where it applies.
  else if (backlog > 0) query.set('backlog', String(backlog));
  const text = query.toString();
  return `/api/v1/events${text ? `?${text}` : ''}`;
}

/**
 * Follows `GET /api/v1/events` with the browser's own EventSource (cookies sent). The browser
 * reconnects by itself after a dropped connection, sending `Last-Event-ID`; when it gives up
 * (readyState CLOSED after an error status) this opens a new EventSource with
 * `last_event_id=<last cursor>` after an exponential backoff with jitter.
 */
export class EventStream {
  #source: EventSource | null = null;
  #filters: StreamFilters = { runId: null, types: [] };
  #cursor: string | null = null;
  // Where a new EventSource resumes: the last cursor seen, else where this stream started.
  #resumeFrom: string | null = null;
  // How many recent events a connection without a cursor starts with.
  #backlog = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #generation = 0;

  constructor(private readonly handlers: StreamHandlers) {}

  /** The cursor of the last event received, the place a new connection resumes from. */
  get cursor(): string | null {
    return this.#cursor;
  }

  /** Closes any open connection and opens one with `filters`. */
  open(filters: StreamFilters, start: StreamStart): void {
    this.#filters = filters;
    this.#attempt = 0;
    if ('backlog' in start) {
      // A fresh start for these filters: the old cursor's events were filtered differently.
      this.#backlog = start.backlog;
      this.#resumeFrom = null;
      this.#connect(null, 'connecting');
      return;
    }
    this.#backlog = 0;
    this.#resumeFrom = start.from === 'live' ? this.#cursor : start.from;
    this.#connect(start.from === 'live' ? null : start.from, 'connecting');
  }

  close(): void {
    this.#teardown();
    this.handlers.onState('stopped');
  }

  #teardown(): void {
    this.#generation += 1;
    clearTimeout(this.#retryTimer);
    this.#source?.close();
    this.#source = null;
  }

  #connect(lastEventId: string | null, state: ConnectionState): void {
    this.#teardown();
    const generation = this.#generation;
    this.handlers.onState(state);
    const source = new EventSource(streamUrl(this.#filters, lastEventId, this.#backlog), {
      withCredentials: true,
    });
    this.#source = source;

    const onMessage = (message: MessageEvent<string>) => {
      const parsed = parseEventData(message.data);
      if (!parsed.ok) return this.handlers.onInvalid(parsed.reason);
      if (message.lastEventId) {
        this.#cursor = message.lastEventId;
        this.#resumeFrom = message.lastEventId;
      }
      this.handlers.onEvent(this.#cursor ?? '', parsed.value);
    };
    for (const kind of EVENT_KINDS) source.addEventListener(kind, onMessage);
    source.addEventListener('gap', (message: MessageEvent<string>) => {
      const parsed = parseGapData(message.data);
      if (parsed.ok) this.handlers.onGap(parsed.value);
      else this.handlers.onInvalid(parsed.reason);
    });
    source.addEventListener('open', () => {
      this.#attempt = 0;
      this.handlers.onState('connected');
    });
    source.addEventListener('error', () => {
      if (generation !== this.#generation) return;
      if (source.readyState === EventSource.CONNECTING) {
        // The browser retries by itself and sends Last-Event-ID.
        this.handlers.onState('reconnecting');
        return;
      }
      source.close();
      this.handlers.onState('reconnecting');
      void this.#afterGiveUp(generation);
    });
  }

  async #afterGiveUp(generation: number): Promise<void> {
    const retry = await this.handlers.onGiveUp().catch(() => true);
    if (generation !== this.#generation) return;
    if (!retry) return this.close();
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.#attempt);
    this.#attempt += 1;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#retryTimer = setTimeout(() => {
      if (generation === this.#generation) this.#connect(this.#resumeFrom, 'reconnecting');
    }, delay);
  }
}
