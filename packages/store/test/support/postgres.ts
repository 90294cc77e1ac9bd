import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';

/** The test database (`.ci/run` sets it); when unset the PostgreSQL suites are skipped. */
export const databaseUrl = process.env.IRONFLOW_TEST_DATABASE_URL ?? '';

/** Use as `describe.skipIf(skipPostgres)`. */
export const skipPostgres = databaseUrl === '';

if (skipPostgres) {
  // Each test file runs in its own worker; a file created exclusively per vitest run lets only
  // the first of them print the notice.
  try {
    closeSync(openSync(join(tmpdir(), `ironflow-pg-skip-notice-${process.ppid}`), 'wx'));
    console.warn(
      '[@ironflow/store] IRONFLOW_TEST_DATABASE_URL is unset: the PostgreSQL tests are skipped. ' +
        'Set it, e.g. IRONFLOW_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test, or run .ci/run.',
    );
  } catch {
    // Another test file of this run already printed it.
  }
}

let admin: pg.Pool | undefined;
const created: string[] = [];

/** A pool for the tests' own statements (setup, EXPLAIN, pg_terminate_backend). */
export function adminPool(): pg.Pool {
  admin ??= new pg.Pool({ connectionString: databaseUrl, max: 4 });
  return admin;
}

/** A new schema name, dropped (with everything in it) after the file's tests. */
export function freshSchema(): string {
  const schema = `ironflow_test_${randomBytes(6).toString('hex')}`;
  created.push(schema);
  return schema;
}

afterAll(async () => {
  if (admin === undefined && created.length === 0) return;
  const pool = adminPool();
  for (const schema of created.splice(0)) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
  admin = undefined;
});
