// Subscribing to the stream

// Backoff
export { type BackoffSettings, backoffDelay } from './backoff-delay.js';
// The stream URL
export { buildStreamUrl, EVENTS_PATH, type StreamQuery } from './build-stream-url.js';
// Errors
export {
  ClientError,
  EventsLostError,
  HandlerError,
  InvalidClientOptionError,
  InvalidEventPayloadError,
  StreamConnectionError,
} from './errors.js';
// EventSource seam
export type {
  EventSourceConstructor,
  EventSourceInitLike,
  EventSourceLike,
  StreamFetch,
  StreamFetchInit,
} from './event-source-like.js';
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
