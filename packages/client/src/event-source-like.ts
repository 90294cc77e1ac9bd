/** The part of `fetch`'s `init` an EventSource passes to a custom fetch (headers as a plain object). */
export type StreamFetchInit = Omit<RequestInit, 'headers'> & { headers: Record<string, string> };

/** A `fetch`, as the `eventsource` package calls it. `globalThis.fetch` fits. */
export type StreamFetch = (url: string | URL, init: StreamFetchInit) => Promise<Response>;

/** What the client needs of an EventSource: the browser's and the `eventsource` package's both fit. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** The second argument of an EventSource constructor; `fetch` is an extension of the `eventsource` package. */
export interface EventSourceInitLike {
  readonly withCredentials?: boolean;
  readonly fetch?: StreamFetch;
}

/** An EventSource constructor, such as `globalThis.EventSource` or the `eventsource` package's. */
export type EventSourceConstructor = new (url: string, init?: EventSourceInitLike) => EventSourceLike;

/** `readyState` of an EventSource that has given up and will not reconnect by itself. */
export const EVENT_SOURCE_CLOSED = 2;

/** The `eventsource` package marks constructors that honour a custom `fetch` with this symbol. */
const SUPPORTS_FETCH = Symbol.for('eventsource.supports-fetch-override');

/** Whether `ctor` uses the `fetch` it is given (a browser's EventSource silently ignores it). */
export function supportsCustomFetch(ctor: EventSourceConstructor): boolean {
  return (ctor as unknown as Record<symbol, unknown>)[SUPPORTS_FETCH] === true;
}
