import pg from 'pg';

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
}

/** The pool a backend uses, and how to release it when the backend closes. */
export interface ResolvedPool {
  readonly pool: pg.Pool;
  /** Ends the pool if the backend created it; does nothing for a caller's pool. */
  release(): Promise<void>;
}

/** Checks the connection options of `factory` and returns the pool to use. */
export function resolvePool(factory: string, options: PostgresConnectionOptions): ResolvedPool {
  const { pool, connectionString, poolSize = 10 } = options;
  if ((pool === undefined) === (connectionString === undefined)) {
    throw new TypeError(
      `${factory}: pass exactly one of pool (a pg.Pool you own) or connectionString (postgres://user@host:5432/db)`,
    );
  }
  if (pool !== undefined) {
    if (typeof pool.connect !== 'function') throw new TypeError(`${factory}: pool must be a pg.Pool`);
    return { pool, release: async () => {} };
  }
  if (typeof connectionString !== 'string' || !/^postgres(ql)?:\/\//.test(connectionString)) {
    throw new TypeError(`${factory}: connectionString must be a postgres:// or postgresql:// URL`);
  }
  if (!Number.isSafeInteger(poolSize) || poolSize < 2) {
    throw new RangeError(
      `${factory}: poolSize must be an integer of at least 2 (the log holds one connection for LISTEN), got ${String(poolSize)}`,
    );
  }
  const own = new pg.Pool({ connectionString, max: poolSize });
  // An idle client whose server connection dies emits on the pool; without a listener that error
  // would crash the process. The pool drops the client and the next query opens a new one.
  own.on('error', () => {});
  let ended: Promise<void> | undefined;
  return {
    pool: own,
    release: () => {
      ended ??= own.end();
      return ended;
    },
  };
}
