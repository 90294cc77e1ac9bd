import type pg from 'pg';
import type { IdempotencyRequest, IdempotentAnswer } from '../idempotency-store.js';
import type { SchemaNames } from './names.js';

/** Anything that runs a statement: the pool, or a client inside a transaction. */
type Queryable = Pick<pg.Pool, 'query'>;

/** Which claim holds a key: the token fences off a claim that expired and was taken over. */
export interface KeyClaim {
  readonly scope: string;
  readonly key: string;
  readonly token: string;
}

/** What the key's row says when the claim did not take it. */
export type KeyState =
  | { readonly state: 'taken' }
  | { readonly state: 'mismatch' }
  | { readonly state: 'answered'; readonly answer: IdempotentAnswer }
  | { readonly state: 'in-flight' }
  | { readonly state: 'gone' };

const ms = (param: string) => `make_interval(secs => ${param}::float8 / 1000)`;

/**
 * Takes the key for `token` in one statement: a new key, a key older than `rememberMs`, or one
 * whose holder never answered and whose lease ran out (its instance died: no answer was
 * committed, since the answer commits with the batch). Otherwise reports what holds it.
 * Times come from the database clock, so instances with skewed clocks agree.
 */
export async function claimKey(
  pool: Queryable,
  names: SchemaNames,
  request: IdempotencyRequest,
  token: string,
  leaseMs: number,
  rememberMs: number,
): Promise<KeyState> {
  const taken = await pool.query(
    `INSERT INTO ${names.idempotency} AS old (scope, key, fingerprint, token, lease_until, created_at)
     VALUES ($1, $2, $3, $4, clock_timestamp() + ${ms('$5')}, clock_timestamp())
     ON CONFLICT (scope, key) DO UPDATE
       SET fingerprint = EXCLUDED.fingerprint, token = EXCLUDED.token, lease_until = EXCLUDED.lease_until,
           created_at = EXCLUDED.created_at, status = NULL, body = NULL
       WHERE old.created_at <= clock_timestamp() - ${ms('$6')}
          OR (old.status IS NULL AND old.lease_until <= clock_timestamp())
     RETURNING 1`,
    [request.scope, request.key, request.fingerprint, token, leaseMs, rememberMs],
  );
  if (taken.rowCount === 1) return { state: 'taken' };
  const { rows } = await pool.query<{ fingerprint: string; status: number | null; body: string | null }>(
    `SELECT fingerprint, status, body FROM ${names.idempotency} WHERE scope = $1 AND key = $2`,
    [request.scope, request.key],
  );
  const row = rows[0];
  if (row === undefined) return { state: 'gone' };
  if (row.fingerprint !== request.fingerprint) return { state: 'mismatch' };
  if (row.status === null || row.body === null) return { state: 'in-flight' };
  return { state: 'answered', answer: { status: row.status, body: row.body } };
}

/**
 * Inside an append's transaction: locks the key's row if `claim` still holds it unanswered, so
 * no one can take it over before the commit. Resolves `false` when the claim was lost.
 */
export async function lockClaim(client: Queryable, names: SchemaNames, claim: KeyClaim): Promise<boolean> {
  const { rowCount } = await client.query(
    `SELECT 1 FROM ${names.idempotency}
     WHERE scope = $1 AND key = $2 AND token = $3 AND status IS NULL FOR UPDATE`,
    [claim.scope, claim.key, claim.token],
  );
  return rowCount === 1;
}

/** Records the answer of `claim`; resolves `false` when the claim was lost (nothing recorded). */
export async function answerClaim(
  queryable: Queryable,
  names: SchemaNames,
  claim: KeyClaim,
  answer: IdempotentAnswer,
): Promise<boolean> {
  const { rowCount } = await queryable.query(
    `UPDATE ${names.idempotency} SET status = $4, body = $5
     WHERE scope = $1 AND key = $2 AND token = $3 AND status IS NULL`,
    [claim.scope, claim.key, claim.token, answer.status, answer.body],
  );
  return rowCount === 1;
}

/** Frees the key if `claim` still holds it unanswered. */
export async function releaseClaim(pool: Queryable, names: SchemaNames, claim: KeyClaim): Promise<void> {
  await pool.query(
    `DELETE FROM ${names.idempotency} WHERE scope = $1 AND key = $2 AND token = $3 AND status IS NULL`,
    [claim.scope, claim.key, claim.token],
  );
}

/** Deletes keys older than `rememberMs` whose request is over (answered, or its lease ran out). */
export async function deleteExpiredKeys(
  pool: Queryable,
  names: SchemaNames,
  rememberMs: number,
): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM ${names.idempotency}
     WHERE created_at <= clock_timestamp() - ${ms('$1')}
       AND (status IS NOT NULL OR lease_until <= clock_timestamp())`,
    [rememberMs],
  );
  return rowCount ?? 0;
}
