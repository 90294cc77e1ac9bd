import { fileURLToPath } from 'node:url';
import { listeningLine, startNodeServer } from '../lib/node-server.js';
import { ironflowSession, JWT_SECRET, WORKER_TOKEN } from './ironflow.js';

const SCRIPT = fileURLToPath(new URL('../servers/ironflow-postgres.js', import.meta.url));
const databaseUrl = () => process.env.IRONFLOW_TEST_DATABASE_URL || process.env.DATABASE_URL;

/**
 * ironflow's app with the PostgreSQL event log, for S5 only: createApp wired as apps/server
 * does, in a child script, on a schema of its own (`ironflow_bench`) so benchmark rows never mix
 * with anything else in the database the URL names.
 */
export const ironflowPostgres = {
  name: 'ironflow (PostgreSQL)',
  description: 'createApp + the store’s PostgreSQL event log in a child process (S5 only)',
  available: () => (databaseUrl() ? null : 'no IRONFLOW_TEST_DATABASE_URL or DATABASE_URL set'),
  async start() {
    const env = { DATABASE_URL: databaseUrl(), WORKER_TOKEN, JWT_SECRET };
    const server = await startNodeServer(SCRIPT, env, listeningLine);
    return ironflowSession(server);
  },
};
