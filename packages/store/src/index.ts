// The event log interface and its cursors.
export type {
  AppendOptions,
  EventLog,
  EventLogBounds,
  EventLogListener,
  EventLogReadBeforeOptions,
  EventLogReadOptions,
  EventPage,
  EventPageQuery,
  LogLineQuery,
  StoredEvent,
  TailStatus,
} from './event-log.js';
export { type Cursor, formatCursor, parseCursor } from './cursor.js';

// Idempotency keys (exactly-once ingest).
export type {
  IdempotencyClaim,
  IdempotencyLease,
  IdempotencyRequest,
  IdempotencyStore,
  IdempotentAnswer,
} from './idempotency-store.js';

// The user store interface.
export type { NewUser, User, UserStore } from './user-store.js';

// API keys and sign-in sessions.
export {
  API_KEY_SCOPES,
  type ApiKey,
  type ApiKeyScope,
  type ApiKeyStore,
  type NewApiKey,
  type RevocationListener,
  type RevokedApiKey,
} from './api-key-store.js';
export type { NewSession, RotationOutcome, SessionRotation, SessionStore } from './session-store.js';

// The in-memory backends (the embedded default).
export { createMemoryEventLog, type MemoryEventLogOptions } from './memory/memory-event-log.js';
export type { ListenerErrorHandler } from './memory/tail.js';
export { createMemoryUserStore, type MemoryUserStoreOptions } from './memory/memory-user-store.js';
export { createMemoryApiKeyStore, type MemoryApiKeyStoreOptions } from './memory/memory-api-key-store.js';
export { createMemorySessionStore, type MemorySessionStoreOptions } from './memory/memory-session-store.js';
export {
  createMemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
} from './memory/memory-idempotency-store.js';

// The PostgreSQL backends (several server instances on one database).
export { createPostgresEventLog, type PostgresEventLogOptions } from './postgres/postgres-event-log.js';
export type { ReconnectOptions } from './postgres/log-tail.js';
export {
  createPostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from './postgres/postgres-idempotency-store.js';
export type { PostgresConnectionOptions } from './postgres/pool.js';
export {
  createPostgresUserStore,
  type PostgresUserStore,
  type PostgresUserStoreOptions,
} from './postgres/postgres-user-store.js';
export {
  createPostgresApiKeyStore,
  type PostgresApiKeyStore,
  type PostgresApiKeyStoreOptions,
} from './postgres/postgres-api-key-store.js';
export {
  createPostgresSessionStore,
  type PostgresSessionStore,
  type PostgresSessionStoreOptions,
} from './postgres/postgres-session-store.js';

// Errors.
export {
  ApiKeyPrefixTakenError,
  EventLogClosedError,
  type EventValidationDetail,
  EventValidationError,
  IdempotencyKeyInUseError,
  InvalidCursorError,
  StoreError,
  StoreUnavailableError,
  UserExistsError,
} from './errors.js';
