import pg from 'pg';

/** `DATABASE_TIMEOUT_MS`'s default. */
export const DEFAULT_TIMEOUT_MS = 5_000;

/** How a PostgreSQL backend reaches the database: a pool the caller owns, or a URL. */
export interface PostgresConnectionOptions {
  /** A `pg` pool owned by the caller: the backend never ends it. */
  pool?: pg.Pool | undefined;
  /** A `postgres://` URL; the backend creates its own pool and ends it on `close()`. */
  connectionString?: string | undefined;
  /**
   * Connections of the pool the backend creates from `connectionString`.
   * @default 10
   */
  poolSize?: number | undefined;
  /**
   * For a pool the backend creates: the connect timeout, and the statement timeout both on the
   * server (`statement_timeout`) and in the client (`query_timeout`, which also ends a wait on a
   * connection that went silent), in ms (docs/PROTOCOL.md `DATABASE_TIMEOUT_MS`). A failure past it rejects
   * with `StoreUnavailableError`. A caller's pool keeps its own settings.
   * @default 5000
   */
  timeoutMs?: number | undefined;
}

/** The pool a backend uses, and how to release it when the backend closes. */
export interface ResolvedPool {
  readonly pool: pg.Pool;
  /** The timeout the backend's own waits use (the probe of the LISTEN connection). */
  readonly timeoutMs: number;
  /** Ends the pool if the backend created it; does nothing for a caller's pool. */
  release(): Promise<void>;
  /**
   * Runs the backend's start-up work (its migrations, first reads): if that fails the pool is
   * released before the error propagates, so a backend that never opened holds no connection.
   */
  prepare<T>(setup: () => Promise<T>): Promise<T>;
}

function withPrepare(pool: Omit<ResolvedPool, 'prepare'>): ResolvedPool {
  return {
    ...pool,
    async prepare(setup) {
      try {
        return await setup();
      } catch (error) {
        await pool.release();
        throw error;
      }
    },
  };
}

/** Checks the connection options of `factory` and returns the pool to use. */
export function resolvePool(factory: string, options: PostgresConnectionOptions): ResolvedPool {
  const { pool, connectionString, poolSize = 10, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new RangeError(
      `${factory}: timeoutMs must be a positive integer of milliseconds, got ${String(timeoutMs)}; omit it for ${DEFAULT_TIMEOUT_MS}`,
    );
  }
  if ((pool === undefined) === (connectionString === undefined)) {
    throw new TypeError(
      `${factory}: pass exactly one of pool (a pg.Pool you own) or connectionString (postgres://user@host:5432/db)`,
    );
  }
  if (pool !== undefined) {
    if (typeof pool.connect !== 'function') throw new TypeError(`${factory}: pool must be a pg.Pool`);
    return withPrepare({ pool, timeoutMs, release: async () => {} });
  }
  if (typeof connectionString !== 'string' || !/^postgres(ql)?:\/\//.test(connectionString)) {
    throw new TypeError(`${factory}: connectionString must be a postgres:// or postgresql:// URL`);
  }
  if (!Number.isSafeInteger(poolSize) || poolSize < 2) {
    throw new RangeError(
      `${factory}: poolSize must be an integer of at least 2 (the log holds one connection for LISTEN), got ${String(poolSize)}`,
    );
  }
  const own = new pg.Pool({
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    // TCP keep-alive finds a peer that vanished (network cut) even on an idle connection.
    keepAlive: true,
    keepAliveInitialDelayMillis: 1_000,
  });
  // An idle client whose server connection dies emits on the pool; without a listener that error
  // would crash the process. The pool drops the client and the next query opens a new one.
  own.on('error', () => {});
  let ended: Promise<void> | undefined;
  return withPrepare({
    pool: own,
    timeoutMs,
    release: () => {
      ended ??= own.end();
      return ended;
    },
  });
}
