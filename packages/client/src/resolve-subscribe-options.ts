import type { EventKind } from '@ironflow/engine';
import { authorizedFetch } from './authorized-fetch.js';
import type { BackoffSettings } from './backoff-delay.js';
import { buildStreamUrl } from './build-stream-url.js';
import { checkCredential } from './credential.js';
import { InvalidClientOptionError } from './errors.js';
import {
  type EventSourceConstructor,
  type EventSourceInitLike,
  type StreamFetch,
  supportsCustomFetch,
} from './event-source-like.js';
import type { SubscribeOptions } from './subscription-types.js';

/** `subscribe`'s options, checked and with defaults applied. */
export interface ResolvedSubscribeOptions {
  readonly url: string;
  readonly runId: string | null;
  readonly types: readonly EventKind[] | null;
  readonly lastEventId: string | null;
  readonly EventSource: EventSourceConstructor;
  readonly init: EventSourceInitLike;
  readonly backoff: BackoffSettings;
  /** Whether the credential is a function, so a `401` may be worth one more try with a fresh one. */
  readonly refreshableCredential: boolean;
  /** Reads a refused connection's answer: the same URL, credentials and cookies as the EventSource. */
  readonly probe: (url: string) => Promise<Response>;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidClientOptionError(`${name} must be a positive integer of milliseconds, got ${value}`);
  }
  return value;
}

function optionalText(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidClientOptionError(`${name} must be a non-empty string when given`);
  }
  return value;
}

/** Checks `subscribe`'s options once, with messages that say how to fix them. */
export function resolveSubscribeOptions(
  options: SubscribeOptions<EventKind>,
  onTokenError: (error: unknown) => void,
): ResolvedSubscribeOptions {
  if (typeof options.url !== 'string') throw new InvalidClientOptionError('url must be the server base URL');
  const runId = optionalText('runId', options.runId);
  const lastEventId = optionalText('lastEventId', options.lastEventId);
  const types = options.types && options.types.length > 0 ? options.types : null;
  // Validates the base and every kind now, so no connection is ever attempted with a bad query.
  buildStreamUrl(options.url, { runId, types, lastEventId });

  const EventSource =
    options.EventSource ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
  if (EventSource === undefined) {
    throw new InvalidClientOptionError(
      'no EventSource: pass the `EventSource` option (in Node, the `EventSource` export of the `eventsource` package)',
    );
  }
  if (options.credential !== undefined && options.token !== undefined) {
    throw new InvalidClientOptionError('pass credential or token (its old name), not both');
  }
  const credential = options.credential ?? options.token;
  checkCredential(
    options.credential === undefined && options.token !== undefined ? 'token' : 'credential',
    credential,
  );
  const usesFetch = credential !== undefined || options.fetch !== undefined;
  if (usesFetch && !supportsCustomFetch(EventSource)) {
    throw new InvalidClientOptionError(
      'credential and fetch need an EventSource that accepts a custom fetch, such as the `eventsource` package; ' +
        'in a browser, authenticate with the ironflow_token cookie and withCredentials instead',
    );
  }
  const baseFetch: StreamFetch | undefined = options.fetch ?? (usesFetch ? globalThis.fetch : undefined);
  const fetch =
    credential !== undefined && baseFetch !== undefined
      ? authorizedFetch(credential, baseFetch, onTokenError)
      : baseFetch;
  const withCredentials = options.withCredentials ?? false;
  const probeFetch: StreamFetch = fetch ?? ((url, init) => globalThis.fetch(url, init));

  const initialDelayMs = positiveInteger(
    'reconnect.initialDelayMs',
    options.reconnect?.initialDelayMs ?? 1_000,
  );
  const maxDelayMs = positiveInteger('reconnect.maxDelayMs', options.reconnect?.maxDelayMs ?? 30_000);
  if (maxDelayMs < initialDelayMs) {
    throw new InvalidClientOptionError(
      `reconnect.maxDelayMs (${maxDelayMs}) must not be less than reconnect.initialDelayMs (${initialDelayMs})`,
    );
  }

  return {
    url: options.url,
    runId,
    types,
    lastEventId,
    EventSource,
    init: fetch === undefined ? { withCredentials } : { withCredentials, fetch },
    backoff: { initialDelayMs, maxDelayMs },
    refreshableCredential: typeof credential === 'function',
    probe: (url) =>
      probeFetch(url, {
        headers: { accept: 'text/event-stream' },
        credentials: withCredentials ? 'include' : 'same-origin',
        signal: AbortSignal.timeout(10_000),
      }),
  };
}
