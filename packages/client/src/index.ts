// Subscribing to the stream.
export { subscribe } from './subscribe.js';
export type {
  EventMeta,
  GapNotice,
  ReconnectOptions,
  SubscribeOptions,
  Subscription,
  SubscriptionHandlers,
  SubscriptionState,
  TokenSource,
} from './subscription-types.js';

// The EventSource seam (the browser's, or the `eventsource` package in Node).
export type {
  EventSourceConstructor,
  EventSourceInitLike,
  EventSourceLike,
  StreamFetch,
  StreamFetchInit,
} from './event-source-like.js';

// The stream URL and the reconnection backoff.
export { buildStreamUrl, EVENTS_PATH, type StreamQuery } from './build-stream-url.js';
export { type BackoffSettings, backoffDelay } from './backoff-delay.js';

// Errors.
export {
  ClientError,
  EventsLostError,
  HandlerError,
  InvalidClientOptionError,
  InvalidEventPayloadError,
  StreamConnectionError,
} from './errors.js';
