import { randomBytes } from 'node:crypto';
import { psql } from './psql.js';

/**
 * The PostgreSQL server tests may create databases on (`IRONFLOW_TEST_DATABASE_URL`); empty when
 * PostgreSQL tests are off (suites then skip with `describe.skipIf(adminUrl === '')`).
 */
export const adminUrl = process.env.IRONFLOW_TEST_DATABASE_URL ?? '';

/** A database of a test's own on the test server: created in `beforeAll`, dropped in `afterAll`. */
export interface FreshDatabase {
  /** The `DATABASE_URL` to give the servers under test. */
  readonly url: string;
  create(): Promise<void>;
  drop(): Promise<void>;
}

export function freshDatabase(prefix: string): FreshDatabase {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl || 'postgres://unset/unset');
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    create: async () => {
      await psql(adminUrl, `CREATE DATABASE ${name}`);
    },
    // A drop that times out on a loaded machine leaves a uniquely named database behind; that
    // harms no other test, so it is reported instead of failing the suite that already passed.
    drop: () =>
      psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(
        () => {},
        (error: Error) => {
          console.warn(`[freshDatabase] could not drop ${name}: ${error.message}`);
        },
      ),
  };
}
