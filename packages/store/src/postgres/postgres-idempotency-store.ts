import { randomUUID } from 'node:crypto';
import type { IdempotencyClaim, IdempotencyLease, IdempotencyStore } from '../idempotency-store.js';
import {
  answerClaim,
  claimKey,
  deleteExpiredKeys,
  type KeyClaim,
  releaseClaim,
} from './idempotency-queries.js';
import { migrate } from './migrations.js';
import { isValidSchemaName, schemaNames } from './names.js';
import { type PostgresConnectionOptions, resolvePool } from './pool.js';
import { unavailableAsStoreError } from './unavailable.js';

/** Options of {@link createPostgresIdempotencyStore}. */
export interface PostgresIdempotencyStoreOptions extends PostgresConnectionOptions {
  /**
   * Schema holding the table; the event log's, so that an append can commit its answer with it.
   * @default 'public'
   */
  schema?: string;
  /**
   * How long a claim holds its key without an answer; after that a retry may take the key over
   * (the holder's instance is presumed dead). Keep it above the longest request.
   * @default 10_000
   */
  leaseMs?: number;
  /**
   * How long a key is remembered, in milliseconds.
   * @default 86_400_000 (24 hours)
   */
  rememberMs?: number;
  /**
   * Period of the timer that deletes forgotten keys; 0 disables it (call `prune()` yourself).
   * @default 60_000
   */
  pruneIntervalMs?: number;
  /**
   * A timed prune failed (it is retried at the next tick).
   * @default reports with `console.error`
   */
  onError?: (error: unknown) => void;
}

const LEASE = Symbol('ironflow.postgresLease');

/** A lease of this store carries its claim and schema, so the PostgreSQL log can commit with it. */
interface PostgresLease extends IdempotencyLease {
  readonly [LEASE]: { readonly schema: string; readonly claim: KeyClaim };
}

/** The claim behind `lease` if a PostgreSQL store on `schema` made it. */
export function postgresClaimOf(lease: IdempotencyLease, schema: string): KeyClaim | undefined {
  const handle = (lease as Partial<PostgresLease>)[LEASE];
  return handle?.schema === schema ? handle.claim : undefined;
}

/**
 * Creates the PostgreSQL idempotency store, shared by every instance on the database. A claim
 * is a lease: if its instance dies before answering, the key is free again after `leaseMs`;
 * an append records its answer in the same transaction as its batch (pass the lease to
 * `EventLog.append`), so a retry after a crash finds the answer whenever the batch committed.
 *
 * @example
 * const keys = await createPostgresIdempotencyStore({ connectionString: 'postgres://ironflow@db:5432/ironflow' });
 * const claim = await keys.claim({ scope: 'worker', key: 'batch-42', fingerprint });
 * if (claim.outcome === 'claimed') await log.append(events, { idempotency: { lease: claim.lease, answer } });
 * await keys.close();
 */
export async function createPostgresIdempotencyStore(
  options: PostgresIdempotencyStoreOptions,
): Promise<IdempotencyStore> {
  const settings = checkOptions(options);
  const { pool, release, prepare } = resolvePool('createPostgresIdempotencyStore', options);
  const names = schemaNames(settings.schema);
  await prepare(() => migrate(pool, names));

  function lease(claim: KeyClaim): PostgresLease {
    return {
      scope: claim.scope,
      key: claim.key,
      [LEASE]: { schema: settings.schema, claim },
      complete: (answer) => unavailableAsStoreError(() => answerClaim(pool, names, claim, answer)),
      release: () => unavailableAsStoreError(() => releaseClaim(pool, names, claim)),
    };
  }

  const prune = () => deleteExpiredKeys(pool, names, settings.rememberMs);
  const timer =
    settings.pruneIntervalMs > 0
      ? setInterval(() => {
          prune().catch(settings.onError);
        }, settings.pruneIntervalMs)
      : undefined;
  timer?.unref();

  return {
    async claim(request): Promise<IdempotencyClaim> {
      // A row deleted between the failed insert and the look (pruned, released) is retried.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const token = randomUUID();
        const found = await unavailableAsStoreError(() =>
          claimKey(pool, names, request, token, settings.leaseMs, settings.rememberMs),
        );
        switch (found.state) {
          case 'taken':
            return { outcome: 'claimed', lease: lease({ scope: request.scope, key: request.key, token }) };
          case 'answered':
            return { outcome: 'replay', answer: found.answer };
          case 'mismatch':
            return { outcome: 'mismatch' };
          case 'in-flight':
            return { outcome: 'in-flight' };
          case 'gone':
            continue;
        }
      }
      return { outcome: 'in-flight' };
    },
    prune,
    async close() {
      clearInterval(timer);
      await release();
    },
  };
}

interface Settings {
  schema: string;
  leaseMs: number;
  rememberMs: number;
  pruneIntervalMs: number;
  onError: (error: unknown) => void;
}

function checkOptions(options: PostgresIdempotencyStoreOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'createPostgresIdempotencyStore: pass options, e.g. { connectionString: "postgres://…" }',
    );
  }
  const {
    schema = 'public',
    leaseMs = 10_000,
    rememberMs = 86_400_000,
    pruneIntervalMs = 60_000,
    onError = (error: unknown) =>
      console.error('@ironflow/store (postgres): idempotency prune failed', error),
  } = options;
  const fail = (message: string) => {
    throw new RangeError(`createPostgresIdempotencyStore: ${message}`);
  };
  if (!isValidSchemaName(schema))
    fail(`schema must match [a-z_][a-z0-9_]{0,62}, got ${JSON.stringify(schema)}`);
  if (!Number.isSafeInteger(leaseMs) || leaseMs < 1) {
    fail(`leaseMs must be a positive integer of milliseconds, got ${String(leaseMs)}; omit it for 10000`);
  }
  if (!Number.isSafeInteger(rememberMs) || rememberMs < 1) {
    fail(
      `rememberMs must be a positive integer of milliseconds, got ${String(rememberMs)}; omit it for 24 hours`,
    );
  }
  if (!Number.isSafeInteger(pruneIntervalMs) || pruneIntervalMs < 0) {
    fail(
      `pruneIntervalMs must be a non-negative integer (0 disables the timer), got ${String(pruneIntervalMs)}`,
    );
  }
  if (typeof onError !== 'function')
    throw new TypeError('createPostgresIdempotencyStore: onError must be a function');
  return { schema, leaseMs, rememberMs, pruneIntervalMs, onError };
}
