import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createHttpPublisher } from '../lib/http-publisher.js';
import { listeningLine, startNodeServer } from '../lib/node-server.js';
import { ironflowSession, JWT_SECRET, profileArgs, WORKER_TOKEN } from './ironflow.js';

const SCRIPT = fileURLToPath(new URL('../servers/ironflow-postgres.js', import.meta.url));
const OVERRIDE = fileURLToPath(new URL('../servers/package-override.js', import.meta.url));
export const databaseUrl = () => process.env.IRONFLOW_TEST_DATABASE_URL || process.env.DATABASE_URL;

/**
 * `name` (a schema or a database) for this invocation only: it carries the bench's pid, so two
 * invocations on one database (a CI `--quick` and a full run, say) never drop each other's
 * tables. With shared names they did: one S6 started fresh by dropping the schema under the
 * other's running servers, whose appends then failed (42P01, relation does not exist).
 */
export const ownName = (name) => `${name}_${process.pid}`;

/** Drops `schema` (a scenario's, once its servers stopped): a test database keeps no bench rows. */
export async function dropSchema(schema) {
  const admin = new pg.Client({ connectionString: databaseUrl() });
  try {
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end().catch(() => {});
  }
}

/**
 * ironflow's app with the PostgreSQL event log (S5, S6, S7): createApp wired as apps/server
 * does, in a child script, on a schema of its own (`ironflow_bench` unless `schema` says) so
 * benchmark rows never mix with anything else in the database the URL names. `fresh` drops the
 * schema first (so a scenario that asks for it names its schema with {@link ownName}). With
 * `storeDist`, `@ironflow/store` is loaded from that build (a before/after comparison of the
 * PostgreSQL log in one run).
 */
export function ironflowPostgresWith(name, storeDist, overrides = null) {
  const packages = overrides ?? (storeDist ? { '@ironflow/store': storeDist } : null);
  return {
    name,
    description: packages
      ? `createApp + the PostgreSQL event log, with ${Object.entries(packages)
          .map(([pkg, dir]) => `${pkg} from ${dir}`)
          .join(', ')}`
      : 'createApp + the store’s PostgreSQL event log in a child process',
    available: () => (databaseUrl() ? null : 'no IRONFLOW_TEST_DATABASE_URL or DATABASE_URL set'),
    async start({ schema = 'ironflow_bench', fresh = false } = {}) {
      const env = {
        DATABASE_URL: databaseUrl(),
        WORKER_TOKEN,
        JWT_SECRET,
        BENCH_SCHEMA: schema,
        BENCH_FRESH_SCHEMA: fresh ? '1' : '0',
        IRONFLOW_BENCH_OVERRIDES: JSON.stringify(packages ?? {}),
      };
      const server = await startNodeServer(SCRIPT, env, listeningLine, [
        ...(packages ? ['--import', OVERRIDE] : []),
        ...profileArgs(),
      ]);
      return ironflowSession(server);
    },
  };
}

export const ironflowPostgres = ironflowPostgresWith('ironflow (PostgreSQL)', null);

/** A publisher of its own (one keep-alive connection, one request in flight) on `server`. */
export function workerPublisher(server) {
  const publisher = createHttpPublisher(server.port, { authorization: `Bearer ${WORKER_TOKEN}` });
  return {
    async publish(events) {
      const status = await publisher.post('/api/v1/internal/events', JSON.stringify(events));
      if (status !== 202) throw new Error(`ironflow ingest answered ${status}`);
    },
    close: () => publisher.close(),
  };
}
