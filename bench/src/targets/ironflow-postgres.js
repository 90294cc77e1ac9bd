import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTokenService } from '@ironflow/auth';
import { createHttpPublisher } from '../lib/http-publisher.js';
import { listeningLine, startNodeServer } from '../lib/node-server.js';

const SCRIPT = fileURLToPath(new URL('../servers/ironflow-postgres.js', import.meta.url));
const WORKER_TOKEN = 'bench-worker-token';
const JWT_SECRET = 'bench-jwt-secret-that-is-long-enough-for-hs256!!';
const databaseUrl = () => process.env.IRONFLOW_TEST_DATABASE_URL || process.env.DATABASE_URL;

/**
 * ironflow's app with the PostgreSQL event log, for S5 only. The built server refuses
 * DATABASE_URL in this release, so this starts createApp in a child script with the store's
 * Postgres backend, when the store exports one and a database URL is set.
 */
export const ironflowPostgres = {
  name: 'ironflow (PostgreSQL)',
  description: 'createApp + the store’s PostgreSQL event log in a child process (S5 only)',
  async available() {
    if (!databaseUrl()) return 'no IRONFLOW_TEST_DATABASE_URL or DATABASE_URL set';
    const store = await import('@ironflow/store');
    if (typeof store.createPostgresEventLog !== 'function') {
      return '@ironflow/store does not export a PostgreSQL backend (createPostgresEventLog) yet';
    }
    return null;
  },
  async start() {
    const env = { DATABASE_URL: databaseUrl(), WORKER_TOKEN, JWT_SECRET };
    const server = await startNodeServer(SCRIPT, env, listeningLine);
    const tokens = createTokenService({ secret: JWT_SECRET, accessTtlSeconds: 3_600 });
    const publisher = createHttpPublisher(server.port, { authorization: `Bearer ${WORKER_TOKEN}` });
    return {
      ...server,
      path: () => '/api/v1/events',
      headers: () => ({
        authorization: `Bearer ${tokens.mintAccess({ userId: randomUUID(), username: 'bench', isAdmin: false })}`,
      }),
      async publish(events) {
        const status = await publisher.post('/api/v1/internal/events', JSON.stringify(events));
        if (status !== 202) throw new Error(`ironflow ingest answered ${status}`);
      },
      async stop() {
        publisher.close();
        await server.stop();
      },
    };
  },
};
