import type { IronflowEvent } from '@ironflow/engine';
import { EventLogClosedError, IdempotencyKeyInUseError } from '../errors.js';
import type {
  AppendOptions,
  EventLog,
  EventLogBounds,
  EventLogReadOptions,
  StoredEvent,
} from '../event-log.js';
import { type ListenerErrorHandler, reportToConsole } from '../memory/tail.js';
import {
  normaliseLogLineQuery,
  normalisePageQuery,
  normaliseReadBeforeOptions,
  normaliseReadOptions,
} from '../read-options.js';
import { validateBatch } from '../validate-batch.js';
import {
  deleteExpired,
  type EventRow,
  insertBatch,
  insertBatches,
  selectBounds,
  selectPage,
  storedFromRow,
} from './event-queries.js';
import { createGroupCommit } from './group-commit.js';
import { beforeStatement, logLinesStatement, type Statement, selectEventPage } from './history-queries.js';
import { answerClaim, type KeyClaim, lockClaim } from './idempotency-queries.js';
import { createLogTail, type ReconnectOptions } from './log-tail.js';
import { migrate } from './migrations.js';
import { isValidSchemaName, schemaNames } from './names.js';
import { type PostgresConnectionOptions, resolvePool } from './pool.js';
import { postgresClaimOf } from './postgres-idempotency-store.js';
import { isUnavailable, unavailableAsStoreError } from './unavailable.js';

/** Options of {@link createPostgresEventLog}. */
export interface PostgresEventLogOptions extends PostgresConnectionOptions {
  /**
   * Schema holding the tables; created if missing. Several logs may share a database in
   * different schemas. `[a-z_][a-z0-9_]{0,62}`.
   * @default 'public'
   */
  schema?: string;
  /**
   * Events older than this are pruned (docs/PROTOCOL.md `EVENT_RETENTION_HOURS`).
   * @default 168
   */
  retentionHours?: number;
  /**
   * Optionally also keep at most this many newest events, enforced when pruning (not at append).
   * @default undefined (no count limit)
   */
  historyLimit?: number | undefined;
  /**
   * Period of the retention timer; 0 disables it (call `prune()` yourself).
   * @default 60_000
   */
  pruneIntervalMs?: number;
  /**
   * Rows the tail reads per query while catching up. Large, so that an instance that fell behind
   * (a burst from other instances, a reconnect) catches up in few round trips.
   * @default 5000
   */
  pageSize?: number;
  /** Backoff for reopening a lost LISTEN connection and retrying a failed catch-up. */
  reconnect?: ReconnectOptions;
  /**
   * Period of the probe (`SELECT 1`) on the LISTEN connection, which finds a connection that
   * went silent (a black-holed network) within this plus `timeoutMs`.
   * @default 1000
   */
  probeIntervalMs?: number;
  /**
   * Clock used for events whose `at` is missing.
   * @default () => new Date()
   */
  now?: () => Date;
  /**
   * Called when a tail listener throws; delivery to the others carries on.
   * @default reports with `console.error`
   */
  onListenerError?: ListenerErrorHandler;
  /**
   * Background failures that are retried on their own: a lost LISTEN connection, a failed
   * catch-up or timed prune. `context` says which.
   * @default reports with `console.error`
   */
  onError?: (error: unknown, context: string) => void;
}

/**
 * At most this many events per shared append statement (batches that wait while one is in
 * flight are joined up to it): big enough that 16 producers of 100-event batches share a commit,
 * small enough that one statement's arrays stay a few MiB.
 */
const GROUP_COMMIT_MAX_EVENTS = 5_000;

const reportBackground = (error: unknown, context: string) => {
  console.error(`@ironflow/store (postgres): ${context}`, error);
};

/**
 * Creates the PostgreSQL event log, for several server instances sharing one database. Runs the
 * schema migrations first (safe when instances start together), reads the shared epoch, and
 * opens one LISTEN connection that feeds the ordered tail with what any instance appends.
 * Resolves once the log is ready; `close()` releases it (and the pool, if it created one).
 *
 * @example
 * const log = await createPostgresEventLog({
 *   connectionString: 'postgres://ironflow@db:5432/ironflow',
 *   retentionHours: 168,
 * });
 * const stop = log.subscribe((batch) => {
 *   for (const stored of batch) console.log(stored.cursor, stored.json);
 * });
 * await log.append([{ type: 'run_created', run_id: runId, workflow_name: 'deploy' }]);
 * stop();
 * await log.close();
 */
export async function createPostgresEventLog(options: PostgresEventLogOptions): Promise<EventLog> {
  const settings = checkOptions(options);
  const { pool, release, prepare, timeoutMs } = resolvePool('createPostgresEventLog', options);
  const names = schemaNames(settings.schema);
  const epoch = await prepare(async () => {
    await migrate(pool, names);
    const { rows } = await pool.query<{ epoch: string }>(`SELECT epoch FROM ${names.meta}`);
    return (rows[0] as { epoch: string }).epoch;
  });

  // Cached so that bounds() can answer synchronously. headSeq only ever takes values that were
  // committed (own appends after their commit, rows the tail read, the head row as read).
  const cached: { headSeq: number; oldestSeq: number | null } = { headSeq: 0, oldestSeq: null };
  let closed = false;

  async function refreshBounds(): Promise<void> {
    const fresh = await selectBounds(pool, names);
    cached.headSeq = Math.max(cached.headSeq, fresh.headSeq);
    cached.oldestSeq = fresh.oldestSeq;
  }

  const tail = createLogTail({
    pool,
    names,
    epoch,
    pageSize: settings.pageSize,
    reconnect: settings.reconnect,
    probeIntervalMs: settings.probeIntervalMs,
    probeTimeoutMs: timeoutMs,
    onListenerError: settings.onListenerError,
    onError: settings.onError,
    refreshBounds,
    onBatch(batch) {
      const first = batch[0] as StoredEvent;
      cached.headSeq = Math.max(cached.headSeq, (batch.at(-1) as StoredEvent).seq);
      // The cache said "empty" at a head the tail has passed, so nothing older is retained.
      cached.oldestSeq ??= first.seq;
    },
  });
  try {
    await tail.start(async () => {
      await refreshBounds();
      return cached.headSeq;
    });
  } catch (error) {
    await tail.close();
    await release();
    throw error;
  }

  let pruning: Promise<number> | null = null;
  async function prune(): Promise<number> {
    if (closed) throw new EventLogClosedError();
    // Overlapping prunes would only wait on each other's row locks: share the running one.
    pruning ??= unavailableAsStoreError(async () => {
      try {
        const deleted = await deleteExpired(pool, names, settings.retentionHours, settings.historyLimit);
        await refreshBounds();
        return deleted;
      } finally {
        pruning = null;
      }
    });
    return pruning;
  }
  const pruneTimer =
    settings.pruneIntervalMs > 0
      ? setInterval(() => {
          prune().catch((error: unknown) => {
            if (!closed) settings.onError(error, 'timed prune failed; retrying at the next tick');
          });
        }, settings.pruneIntervalMs)
      : undefined;
  pruneTimer?.unref();

  async function rowsOf(statement: Statement | null): Promise<StoredEvent[]> {
    if (closed) throw new EventLogClosedError();
    if (statement === null) return [];
    const { rows } = await unavailableAsStoreError(() =>
      pool.query<EventRow>(statement.text, statement.values),
    );
    return rows.map((row) => storedFromRow(epoch, row));
  }

  /**
   * The batch and its idempotent answer in one transaction: a crash after the commit leaves the
   * answer for the retry, a crash before it leaves neither. The key's row is locked first, so a
   * claim that expired meanwhile is found out before the head row is locked.
   */
  async function insertAnswered(
    valid: readonly IronflowEvent[],
    claim: KeyClaim,
    idempotency: NonNullable<AppendOptions['idempotency']>,
  ): Promise<StoredEvent[]> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      if (!(await lockClaim(client, names, claim))) {
        await client.query('ROLLBACK');
        throw new IdempotencyKeyInUseError();
      }
      const stored = await insertBatch(client, names, epoch, valid);
      await answerClaim(client, names, claim, idempotency.answer(stored));
      await client.query('COMMIT');
      return stored;
    } catch (error) {
      if (!(error instanceof IdempotencyKeyInUseError)) {
        broken = error as Error;
        // A connection that failed or timed out cannot roll back (the ROLLBACK would wait behind
        // the stuck statement for another timeout); dropping it rolls back on the server.
        if (!isUnavailable(error)) await client.query('ROLLBACK').catch(() => {});
      }
      throw error;
    } finally {
      // A client that failed mid-transaction may be in any state: drop its connection.
      client.release(broken);
    }
  }

  const insert = createGroupCommit<readonly IronflowEvent[], StoredEvent[]>(
    (batches) => insertBatches(pool, names, epoch, batches),
    { sizeOf: (batch) => batch.length, maxSize: GROUP_COMMIT_MAX_EVENTS },
  );

  return {
    epoch,
    async append(inputs, options?: AppendOptions) {
      if (closed) throw new EventLogClosedError();
      const valid = validateBatch(inputs, settings.now);
      if (valid.length === 0) return [];
      const idempotency = options?.idempotency;
      const claim = idempotency && postgresClaimOf(idempotency.lease, settings.schema);
      // What this instance appends goes to its own tail as stored, not read back from the table.
      const appending = tail.own(
        async () => {
          let stored: StoredEvent[];
          // Without a key, the batch may share a commit with others (group commit).
          if (idempotency === undefined) stored = await insert(valid);
          else if (claim !== undefined) stored = await insertAnswered(valid, claim, idempotency);
          else {
            // A lease of another store (memory, another schema) cannot share this transaction.
            stored = await insert(valid);
            await idempotency.lease.complete(idempotency.answer(stored));
          }
          cached.headSeq = Math.max(cached.headSeq, (stored.at(-1) as StoredEvent).seq);
          // Other instances may have appended before us into an empty log: ask for the real oldest.
          if (cached.oldestSeq === null) await refreshBounds();
          return stored;
        },
        (stored) => [stored],
      );
      return unavailableAsStoreError(() => appending);
    },
    async read(readOptions: EventLogReadOptions) {
      if (closed) throw new EventLogClosedError();
      const normalised = normaliseReadOptions(readOptions);
      const rows = await unavailableAsStoreError(() => selectPage(pool, names, normalised));
      return rows.map((row) => storedFromRow(epoch, row));
    },
    async readBefore(readOptions) {
      return rowsOf(beforeStatement(names, normaliseReadBeforeOptions(readOptions)));
    },
    async readLogLines(query) {
      return rowsOf(logLinesStatement(names, normaliseLogLineQuery(query)));
    },
    async readPage(query) {
      if (closed) throw new EventLogClosedError();
      const normalised = normalisePageQuery(query);
      return unavailableAsStoreError(() =>
        selectEventPage(pool, names, normalised, (row) => storedFromRow(epoch, row)),
      );
    },
    bounds: (): EventLogBounds => ({ oldestSeq: cached.oldestSeq, headSeq: cached.headSeq }),
    tailStatus: () => tail.status(),
    async ping() {
      if (closed) throw new EventLogClosedError();
      await unavailableAsStoreError(() => pool.query('SELECT 1'));
    },
    subscribe(listener) {
      if (typeof listener !== 'function') throw new TypeError('subscribe expects a function (batch) => void');
      return tail.subscribe(listener, cached.headSeq + 1);
    },
    prune,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruneTimer);
      await tail.close();
      await pruning?.catch(() => {});
      await release();
    },
  };
}

interface Settings {
  schema: string;
  retentionHours: number;
  historyLimit: number | null;
  pruneIntervalMs: number;
  pageSize: number;
  reconnect: Required<ReconnectOptions>;
  probeIntervalMs: number;
  now: (() => Date) | undefined;
  onListenerError: ListenerErrorHandler;
  onError: (error: unknown, context: string) => void;
}

function checkOptions(options: PostgresEventLogOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createPostgresEventLog: pass options, e.g. { connectionString: "postgres://…" }');
  }
  const {
    schema = 'public',
    retentionHours = 168,
    historyLimit,
    pruneIntervalMs = 60_000,
    pageSize = 5_000,
    reconnect = {},
    probeIntervalMs = 1_000,
    now,
    onListenerError = reportToConsole,
    onError = reportBackground,
  } = options;
  const fail = (message: string) => {
    throw new RangeError(`createPostgresEventLog: ${message}`);
  };
  if (!isValidSchemaName(schema))
    fail(`schema must match [a-z_][a-z0-9_]{0,62}, got ${JSON.stringify(schema)}`);
  if (typeof retentionHours !== 'number' || !(retentionHours > 0) || !Number.isFinite(retentionHours)) {
    fail(`retentionHours must be a positive number of hours, got ${String(retentionHours)}; omit it for 168`);
  }
  if (historyLimit !== undefined && (!Number.isSafeInteger(historyLimit) || historyLimit < 1)) {
    fail(`historyLimit must be a positive integer or omitted, got ${String(historyLimit)}`);
  }
  if (!Number.isSafeInteger(pruneIntervalMs) || pruneIntervalMs < 0) {
    fail(
      `pruneIntervalMs must be a non-negative integer (0 disables the timer), got ${String(pruneIntervalMs)}`,
    );
  }
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    fail(`pageSize must be a positive integer, got ${String(pageSize)}; omit it for 5000`);
  }
  const { minDelayMs = 100, maxDelayMs = 5_000 } = reconnect;
  if (
    !Number.isSafeInteger(minDelayMs) ||
    minDelayMs < 1 ||
    !Number.isSafeInteger(maxDelayMs) ||
    maxDelayMs < minDelayMs
  ) {
    fail(`reconnect needs integers 1 <= minDelayMs <= maxDelayMs, got ${JSON.stringify(reconnect)}`);
  }
  if (!Number.isSafeInteger(probeIntervalMs) || probeIntervalMs < 1) {
    fail(
      `probeIntervalMs must be a positive integer of milliseconds, got ${String(probeIntervalMs)}; omit it for 1000`,
    );
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError('createPostgresEventLog: now must be a function returning a Date');
  }
  if (typeof onListenerError !== 'function' || typeof onError !== 'function') {
    throw new TypeError('createPostgresEventLog: onListenerError and onError must be functions');
  }
  return {
    schema,
    retentionHours,
    historyLimit: historyLimit ?? null,
    pruneIntervalMs,
    pageSize,
    reconnect: { minDelayMs, maxDelayMs },
    probeIntervalMs,
    now,
    onListenerError,
    onError,
  };
}
