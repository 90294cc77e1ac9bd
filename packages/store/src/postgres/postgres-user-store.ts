import { randomUUID } from 'node:crypto';
import { UserExistsError } from '../errors.js';
import type { NewUser, User, UserStore } from '../user-store.js';
import { migrate } from './migrations.js';
import { isValidSchemaName, schemaNames } from './names.js';
import { type PostgresConnectionOptions, resolvePool } from './pool.js';
import { asStoreError, isUnavailable, unavailableAsStoreError } from './unavailable.js';

/** Options of {@link createPostgresUserStore}. */
export interface PostgresUserStoreOptions extends PostgresConnectionOptions {
  /**
   * Schema holding the tables; created if missing; the same as the event log's.
   * @default 'public'
   */
  schema?: string;
}

/** A {@link UserStore} that holds a database pool, released by `close()`. */
export interface PostgresUserStore extends UserStore {
  /** Ends the pool if the store created it from `connectionString`. Idempotent. */
  close(): Promise<void>;
}

interface UserRow {
  id: string;
  email: string;
  username: string;
  password_hash: string;
  is_admin: boolean;
  created_at: Date;
}

const UNIQUE_VIOLATION = '23505';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 'id, email, username, password_hash, is_admin, created_at';

/**
 * Creates the PostgreSQL user store, shared by every instance on the database. Runs the schema
 * migrations first. Creates take a transaction-scoped advisory lock, so the first user ever is
 * admin exactly once even when instances sign up users at the same moment.
 *
 * @example
 * const users = await createPostgresUserStore({ connectionString: 'postgres://ironflow@db:5432/ironflow' });
 * const ada = await users.create({ email: 'ada@example.com', username: 'ada', passwordHash });
 * ada.isAdmin; // true on a fresh database
 * await users.close();
 */
export async function createPostgresUserStore(options: PostgresUserStoreOptions): Promise<PostgresUserStore> {
  const schema = options?.schema ?? 'public';
  if (!isValidSchemaName(schema)) {
    throw new RangeError(
      `createPostgresUserStore: schema must match [a-z_][a-z0-9_]{0,62}, got ${JSON.stringify(schema)}`,
    );
  }
  const { pool, release, prepare } = resolvePool('createPostgresUserStore', options);
  const names = schemaNames(schema);
  await prepare(() => migrate(pool, names));

  async function findOne(where: string, value: string): Promise<User | null> {
    const { rows } = await unavailableAsStoreError(() =>
      pool.query<UserRow>(`SELECT ${COLUMNS} FROM ${names.users} WHERE ${where}`, [value]),
    );
    return rows[0] === undefined ? null : toUser(rows[0]);
  }

  async function create(input: NewUser): Promise<User> {
    const email = requireText('email', input?.email);
    const username = requireText('username', input?.username);
    const passwordHash = requireText('passwordHash', input?.passwordHash);
    const client = await unavailableAsStoreError(() => pool.connect());
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // Every create of this schema takes turns here, so the duplicate check (email first, as the
      // memory store does) and the admin decision see every earlier create, on any instance.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [names.userLock]);
      const taken = await client.query<{ email: boolean; username: boolean }>(
        `SELECT bool_or(lower(email) = lower($1)) AS email, bool_or(lower(username) = lower($2)) AS username
         FROM ${names.users} WHERE lower(email) = lower($1) OR lower(username) = lower($2)`,
        [email, username],
      );
      const clash = taken.rows[0];
      if (clash?.email) throw new UserExistsError('email');
      if (clash?.username) throw new UserExistsError('username');
      const { rows } = await client.query<UserRow>(
        `INSERT INTO ${names.users} (id, email, username, password_hash, is_admin)
         SELECT $1, $2, $3, $4, NOT EXISTS (SELECT 1 FROM ${names.users})
         RETURNING ${COLUMNS}`,
        [randomUUID(), email, username, passwordHash],
      );
      await client.query('COMMIT');
      return toUser(rows[0] as UserRow);
    } catch (error) {
      // A connection that failed or timed out cannot roll back (a ROLLBACK would wait behind the
      // stuck statement for another timeout): drop it, and the server rolls back.
      if (isUnavailable(error)) broken = error as Error;
      else {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      }
      throw asStoreError(asUserExists(error));
    } finally {
      client.release(broken);
    }
  }

  return {
    create,
    findById: async (id) => (typeof id === 'string' && UUID.test(id) ? findOne('id = $1', id) : null),
    findByEmail: async (email) =>
      typeof email === 'string' ? findOne('lower(email) = lower($1)', email) : null,
    findByUsername: async (username) =>
      typeof username === 'string' ? findOne('lower(username) = lower($1)', username) : null,
    async count() {
      const { rows } = await unavailableAsStoreError(() =>
        pool.query<{ count: string }>(`SELECT count(*) AS count FROM ${names.users}`),
      );
      return Number((rows[0] as { count: string }).count);
    },
    close: release,
  };
}

function toUser(row: UserRow): User {
  return Object.freeze({
    id: row.id,
    email: row.email,
    username: row.username,
    passwordHash: row.password_hash,
    isAdmin: row.is_admin,
    createdAt: row.created_at.toISOString(),
  });
}

/** The unique indexes back up the locked check (e.g. rows written by other tools). */
function asUserExists(error: unknown): unknown {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code !== UNIQUE_VIOLATION) return error;
  if (constraint === 'ironflow_users_email_key') return new UserExistsError('email');
  if (constraint === 'ironflow_users_username_key') return new UserExistsError('username');
  return error;
}

function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`create: ${name} must be a non-empty string`);
  }
  return value;
}
