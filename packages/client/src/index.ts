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

// Publishing: the producers' client of the ingest routes.
export { createIngestClient, INGEST_EVENTS_PATH } from './create-ingest-client.js';
export type {
  IngestAnswer,
  IngestClient,
  IngestClientOptions,
  IngestRetryOptions,
  LogBatch,
  PublishableEvent,
} from './ingest-types.js';
export type { Credential } from './credential.js';
export { readErrorEnvelope, type ServerErrorBody } from './read-error-envelope.js';

// Errors.
export {
  ClientError,
  EventsLostError,
  HandlerError,
  IngestError,
  InvalidClientOptionError,
  InvalidEventPayloadError,
  StreamConnectionError,
} from './errors.js';
