// Cursors
export { type Cursor, formatCursor, parseCursor } from './cursor.js';
// Errors
export {
  EventLogClosedError,
  type EventValidationDetail,
  EventValidationError,
  InvalidCursorError,
  StoreError,
  UserExistsError,
} from './errors.js';
// The event log interface and its in-memory backend
export type {
  EventLog,
  EventLogBounds,
  EventLogListener,
  EventLogReadOptions,
  StoredEvent,
} from './event-log.js';
export { createMemoryEventLog, type MemoryEventLogOptions } from './memory/memory-event-log.js';
export { createMemoryUserStore, type MemoryUserStoreOptions } from './memory/memory-user-store.js';
export type { ListenerErrorHandler } from './memory/tail.js';
export type { ReconnectOptions } from './postgres/log-tail.js';
export type { PostgresConnectionOptions } from './postgres/pool.js';
// The PostgreSQL backends (several server instances on one database)
export { createPostgresEventLog, type PostgresEventLogOptions } from './postgres/postgres-event-log.js';
export {
  createPostgresUserStore,
  type PostgresUserStore,
  type PostgresUserStoreOptions,
} from './postgres/postgres-user-store.js';
// The user store interface and its in-memory backend
export type { NewUser, User, UserStore } from './user-store.js';
