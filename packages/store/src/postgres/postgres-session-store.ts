import { isUuid } from '../check-api-key.js';
import type { NewSession, RotationOutcome, SessionRotation, SessionStore } from '../session-store.js';
import { migrate } from './migrations.js';
import { isValidSchemaName, schemaNames } from './names.js';
import { type PostgresConnectionOptions, resolvePool } from './pool.js';
import { queryReportingUnavailable } from './unavailable.js';

/** Options of {@link createPostgresSessionStore}. */
export interface PostgresSessionStoreOptions extends PostgresConnectionOptions {
  /**
   * Schema holding the tables; created if missing; the same as the event log's.
   * @default 'public'
   */
  schema?: string;
}

/** A {@link SessionStore} that holds a database pool, released by `close()`. */
export interface PostgresSessionStore extends SessionStore {
  /** Ends the pool if the store created it from `connectionString`. Idempotent. */
  close(): Promise<void>;
}

/** Expired sessions are deleted by about one start in this many, so the table follows the live ones. */
const SWEEP_ONE_IN = 500;

/**
 * Creates the PostgreSQL session store, shared by every instance on the database. Runs the
 * schema migrations first. A rotation is one conditional `UPDATE`, so of two instances
 * rotating the same token at once exactly one succeeds and the other sees a reuse.
 *
 * @example
 * const sessions = await createPostgresSessionStore({ connectionString: 'postgres://ironflow@db:5432/ironflow' });
 * await sessions.start({ id: sid, userId, tokenId: jti, expiresAt });
 * await sessions.close();
 */
export async function createPostgresSessionStore(
  options: PostgresSessionStoreOptions,
): Promise<PostgresSessionStore> {
  const schema = options?.schema ?? 'public';
  if (!isValidSchemaName(schema)) {
    throw new RangeError(
      `createPostgresSessionStore: schema must match [a-z_][a-z0-9_]{0,62}, got ${JSON.stringify(schema)}`,
    );
  }
  const { pool, release, prepare } = resolvePool('createPostgresSessionStore', options);
  const names = schemaNames(schema);
  const query = queryReportingUnavailable(pool);
  await prepare(() => migrate(pool, names));
  const table = names.sessions;

  return {
    async start(input: NewSession) {
      if (!isUuid(input?.id) || !isUuid(input.userId)) {
        throw new TypeError('SessionStore.start: id and userId must be UUIDs');
      }
      if (Math.random() * SWEEP_ONE_IN < 1) {
        await query(`DELETE FROM ${table} WHERE expires_at < now()`);
      }
      await query(`INSERT INTO ${table} (id, user_id, token_id, expires_at) VALUES ($1, $2, $3, $4)`, [
        input.id,
        input.userId,
        input.tokenId,
        input.expiresAt,
      ]);
    },
    async rotate(rotation: SessionRotation): Promise<RotationOutcome> {
      if (!isUuid(rotation?.id)) return 'invalid';
      // One statement: rotate when the token is current, revoke the session when it is not.
      const { rows } = await query<{ reused: boolean }>(
        `UPDATE ${table}
         SET token_id = CASE WHEN token_id = $2 THEN $3 ELSE token_id END,
             expires_at = CASE WHEN token_id = $2 THEN $4::timestamptz ELSE expires_at END,
             revoked_at = CASE WHEN token_id = $2 THEN NULL ELSE clock_timestamp() END
         WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()
         RETURNING revoked_at IS NOT NULL AS reused`,
        [rotation.id, rotation.tokenId, rotation.nextTokenId, rotation.expiresAt],
      );
      const row = rows[0];
      if (row === undefined) return 'invalid';
      return row.reused ? 'reused' : 'rotated';
    },
    async revoke(id) {
      if (!isUuid(id)) return;
      await query(`UPDATE ${table} SET revoked_at = clock_timestamp() WHERE id = $1 AND revoked_at IS NULL`, [
        id,
      ]);
    },
    async isLive(id) {
      if (!isUuid(id)) return false;
      const { rowCount } = await query(
        `SELECT 1 FROM ${table} WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()`,
        [id],
      );
      return rowCount === 1;
    },
    close: release,
  };
}
