import type pg from 'pg';
import { generateEpoch } from '../epoch.js';
import type { SchemaNames } from './names.js';

/** One versioned step of the schema; applied once, in its own transaction. */
interface Migration {
  readonly version: number;
  readonly name: string;
  up(client: pg.PoolClient, names: SchemaNames): Promise<void>;
}

/**
 * The schema, in order. Never edit an applied step: append a new one. Both backends run the
 * whole list, so a database always holds every table whichever backend started first.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event log',
    async up(client, { meta, head, events, schema }) {
      // One row: the epoch every instance shares, so cursors are valid on any of them.
      await client.query(`CREATE TABLE ${meta} (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        epoch text NOT NULL CHECK (epoch ~ '^[a-z0-9]{1,32}$'),
        created_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`INSERT INTO ${meta} (epoch) VALUES ($1)`, [generateEpoch()]);
      // One row: the last seq handed out. Appends update it in their transaction, so its row lock
      // serialises them and they commit in seq order. It also survives pruning every event.
      await client.query(`CREATE TABLE ${head} (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        seq bigint NOT NULL CHECK (seq >= 0))`);
      await client.query(`INSERT INTO ${head} (seq) VALUES (0)`);
      // batch_last groups rows by the append that stored them, so the tail can deliver whole
      // batches; json is text, not jsonb, to keep the canonical bytes exactly.
      await client.query(`CREATE TABLE ${events} (
        seq bigint PRIMARY KEY,
        run_id uuid NULL,
        kind text NOT NULL,
        json text NOT NULL,
        batch_last bigint NOT NULL,
        appended_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
      await client.query(`CREATE INDEX ironflow_events_run_seq ON ${events} (run_id, seq)`);
      await client.query(`CREATE INDEX ironflow_events_kind_seq ON ${events} (kind, seq)`);
      await client.query(`COMMENT ON TABLE ${events} IS 'ironflow event log (${schema})'`);
    },
  },
  {
    version: 2,
    name: 'users',
    async up(client, { users }) {
      await client.query(`CREATE TABLE ${users} (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        username text NOT NULL,
        password_hash text NOT NULL,
        is_admin boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`CREATE UNIQUE INDEX ironflow_users_email_key ON ${users} (lower(email))`);
      await client.query(`CREATE UNIQUE INDEX ironflow_users_username_key ON ${users} (lower(username))`);
    },
  },
  {
    version: 3,
    name: 'event times',
    async up(client, { events }) {
      // The event's own `at` (not the append time), for the history's from/to bounds. Nullable so
      // that an instance of an older build, still appending during a rolling upgrade, can insert.
      await client.query(`ALTER TABLE ${events} ADD COLUMN at timestamptz NULL`);
      await client.query(`UPDATE ${events} SET at = (json::jsonb ->> 'at')::timestamptz`);
      await client.query(`CREATE INDEX ironflow_events_at ON ${events} (at)`);
    },
  },
  {
    version: 4,
    name: 'api keys and sessions',
    async up(client, { users, apiKeys, sessions }) {
      await client.query(`CREATE TABLE ${apiKeys} (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES ${users} (id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NULL,
        revoked_at timestamptz NULL)`);
      await client.query(`CREATE UNIQUE INDEX ironflow_api_keys_prefix_key ON ${apiKeys} (prefix)`);
      await client.query(`CREATE INDEX ironflow_api_keys_user ON ${apiKeys} (user_id, created_at)`);
      // The revocation poll of every instance reads the recent revocations through this.
      await client.query(
        `CREATE INDEX ironflow_api_keys_revoked ON ${apiKeys} (revoked_at) WHERE revoked_at IS NOT NULL`,
      );
      await client.query(`CREATE TABLE ${sessions} (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        token_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz NULL)`);
      await client.query(`CREATE INDEX ironflow_sessions_expires ON ${sessions} (expires_at)`);
    },
  },
  {
    version: 5,
    name: 'event users',
    async up(client, { events }) {
      // The user a `user_*` event concerns, so that a non-admin's read walks only their own
      // (docs/PROTOCOL.md §3: those events reach admins and that user only). Nullable: older builds, still
      // appending during a rolling upgrade, leave it empty, as every other kind does.
      await client.query(`ALTER TABLE ${events} ADD COLUMN user_id uuid NULL`);
      await client.query(
        `UPDATE ${events} SET user_id = (json::jsonb ->> 'user_id')::uuid
         WHERE kind IN ('user_signed_in', 'user_signed_up', 'user_signed_out')`,
      );
      await client.query(
        `CREATE INDEX ironflow_events_user_seq ON ${events} (user_id, seq) WHERE user_id IS NOT NULL`,
      );
    },
  },
  {
    version: 6,
    name: 'idempotency keys',
    async up(client, { idempotency }) {
      // One row per (credential, key): who holds it (token, until lease_until) and, once the
      // request committed, its answer (status, body), written in the same transaction as the batch.
      await client.query(`CREATE TABLE ${idempotency} (
        scope text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        token uuid NOT NULL,
        lease_until timestamptz NOT NULL,
        status integer NULL,
        body text NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (scope, key))`);
      await client.query(`CREATE INDEX ironflow_idempotency_created ON ${idempotency} (created_at)`);
    },
  },
];

/** The newest schema version this build knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings `names.schema` up to {@link SCHEMA_VERSION}. A session advisory lock makes instances
 * that start together take turns: the first applies the steps, the others then find them applied.
 * Refuses a database migrated by a newer build, whose tables this build may misread.
 */
export async function migrate(pool: pg.Pool, names: SchemaNames): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [names.migrationLock]);
    try {
      await applyPending(client, names);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [names.migrationLock]);
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    // A client that failed mid-way may hold a transaction or the lock: drop the connection.
    client.release(broken);
  }
}

async function applyPending(client: pg.PoolClient, names: SchemaNames): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [names.schema]);
  // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists.
  if (found.rowCount === 0) await client.query(`CREATE SCHEMA "${names.schema}"`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${names.migrations} (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`);
  const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${names.migrations}`);
  const applied = new Set(rows.map((row) => row.version));
  const newest = Math.max(0, ...applied);
  if (newest > SCHEMA_VERSION) {
    throw new Error(
      `@ironflow/store: schema "${names.schema}" is at version ${newest}, newer than this build's ${SCHEMA_VERSION}; upgrade @ironflow/store`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    await client.query('BEGIN');
    try {
      await migration.up(client, names);
      await client.query(`INSERT INTO ${names.migrations} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
}
