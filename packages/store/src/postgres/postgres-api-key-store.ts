import { randomUUID } from 'node:crypto';
import type { ApiKey, ApiKeyScope, ApiKeyStore, NewApiKey, RevocationListener } from '../api-key-store.js';
import { checkNewApiKey, isUuid } from '../check-api-key.js';
import { ApiKeyPrefixTakenError } from '../errors.js';
import { migrate } from './migrations.js';
import { isValidSchemaName, schemaNames } from './names.js';
import { type PostgresConnectionOptions, resolvePool } from './pool.js';
import { createRevocationPoll } from './revocation-poll.js';
import { queryReportingUnavailable } from './unavailable.js';

/** Options of {@link createPostgresApiKeyStore}. */
export interface PostgresApiKeyStoreOptions extends PostgresConnectionOptions {
  /**
   * Schema holding the tables; created if missing; the same as the event log's.
   * @default 'public'
   */
  schema?: string;
  /**
   * How often each instance asks for keys revoked anywhere, while someone watches revocations.
   * @default 1000
   */
  revocationPollMs?: number;
  /** Told when a revocation poll fails (retried at the next period). @default ignore */
  onError?: (error: unknown, context: string) => void;
}

/** An {@link ApiKeyStore} that holds a database pool and a poll timer, released by `close()`. */
export interface PostgresApiKeyStore extends ApiKeyStore {
  /** Stops the revocation poll and ends the pool if the store created it. Idempotent. */
  close(): Promise<void>;
}

interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

const UNIQUE_VIOLATION = '23505';
const COLUMNS = 'id, user_id, name, prefix, key_hash, scopes, created_at, expires_at, revoked_at';

/**
 * Creates the PostgreSQL API key store, shared by every instance on the database. Runs the
 * schema migrations first. Revocations reach the other instances by a poll: while anything
 * watches, each instance reads the keys revoked since its last poll every `revocationPollMs`
 * (one indexed query, whatever the number of keys), so a revoked key is known everywhere within
 * about a second, and a poll missed while the database was away is caught up by the next one.
 *
 * @example
 * const keys = await createPostgresApiKeyStore({ connectionString: 'postgres://ironflow@db:5432/ironflow' });
 * keys.watchRevocations(({ id }) => hub.endCredential(`api_key:${id}`));
 * await keys.close();
 */
export async function createPostgresApiKeyStore(
  options: PostgresApiKeyStoreOptions,
): Promise<PostgresApiKeyStore> {
  const schema = options?.schema ?? 'public';
  if (!isValidSchemaName(schema)) {
    throw new RangeError(
      `createPostgresApiKeyStore: schema must match [a-z_][a-z0-9_]{0,62}, got ${JSON.stringify(schema)}`,
    );
  }
  const { revocationPollMs = 1000, onError = () => {} } = options;
  if (!Number.isSafeInteger(revocationPollMs) || revocationPollMs < 10 || revocationPollMs > 60_000) {
    throw new RangeError(
      `createPostgresApiKeyStore: revocationPollMs must be an integer from 10 to 60000, got ${String(revocationPollMs)}`,
    );
  }
  const { pool, release, prepare } = resolvePool('createPostgresApiKeyStore', options);
  const names = schemaNames(schema);
  const query = queryReportingUnavailable(pool);
  await prepare(() => migrate(pool, names));
  const poll = createRevocationPoll({ pool, names, periodMs: revocationPollMs, onError });

  return {
    async create(input: NewApiKey) {
      checkNewApiKey(input);
      try {
        const { rows } = await query<ApiKeyRow>(
          `INSERT INTO ${names.apiKeys} (id, user_id, name, prefix, key_hash, scopes, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
          [
            randomUUID(),
            input.userId,
            input.name,
            input.prefix,
            input.keyHash,
            input.scopes,
            input.expiresAt,
          ],
        );
        return toApiKey(rows[0] as ApiKeyRow);
      } catch (error) {
        const { code, constraint } = error as { code?: string; constraint?: string };
        if (code === UNIQUE_VIOLATION && constraint === 'ironflow_api_keys_prefix_key') {
          throw new ApiKeyPrefixTakenError();
        }
        throw error;
      }
    },
    async findByPrefix(prefix) {
      if (typeof prefix !== 'string') return null;
      const { rows } = await query<ApiKeyRow>(`SELECT ${COLUMNS} FROM ${names.apiKeys} WHERE prefix = $1`, [
        prefix,
      ]);
      return rows[0] === undefined ? null : toApiKey(rows[0]);
    },
    async listByUser(userId) {
      if (!isUuid(userId)) return [];
      const { rows } = await query<ApiKeyRow>(
        `SELECT ${COLUMNS} FROM ${names.apiKeys} WHERE user_id = $1 AND revoked_at IS NULL
         ORDER BY created_at, id`,
        [userId],
      );
      return rows.map(toApiKey);
    },
    async revoke(id, userId) {
      if (!isUuid(id) || (userId !== null && !isUuid(userId))) return null;
      const { rows } = await query<ApiKeyRow>(
        `UPDATE ${names.apiKeys} SET revoked_at = clock_timestamp()
         WHERE id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR user_id = $2::uuid)
         RETURNING ${COLUMNS}`,
        [id, userId],
      );
      const key = rows[0] === undefined ? null : toApiKey(rows[0]);
      // This instance's watchers hear of it at once; the others at their next poll.
      if (key !== null) poll.announce({ id: key.id, prefix: key.prefix });
      return key;
    },
    watchRevocations: (listener: RevocationListener) => poll.watch(listener),
    async close() {
      await poll.close();
      await release();
    },
  };
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return Object.freeze({
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    keyHash: row.key_hash,
    scopes: Object.freeze([...row.scopes]) as readonly ApiKeyScope[],
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  });
}
