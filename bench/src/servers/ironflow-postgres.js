// ironflow's app on the PostgreSQL event log (S5–S7), wired as apps/server does but on a schema
// of its own (the server's DATABASE_URL has no schema option), so bench rows stay apart.
// BENCH_SCHEMA names it (default ironflow_bench); BENCH_FRESH_SCHEMA=1 drops it first, so a
// scenario starts from an empty log (only the first of several instances on a schema does).
import http from 'node:http';
import { createApp } from '@ironflow/api';
import { createTokenService } from '@ironflow/auth';
import * as store from '@ironflow/store';
import pg from 'pg';
import { listen } from './read-body.js';

const secret = process.env.JWT_SECRET;
const schema = process.env.BENCH_SCHEMA || 'ironflow_bench';
if (process.env.BENCH_FRESH_SCHEMA === '1') {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
const log = await store.createPostgresEventLog({
  connectionString: process.env.DATABASE_URL,
  schema,
});
const ironflow = createApp({
  log,
  users: store.createMemoryUserStore(),
  tokens: createTokenService({ secret }),
  jwtSecret: secret,
  workerToken: process.env.WORKER_TOKEN,
  environment: 'development',
});
const server = http.createServer(ironflow.app.callback());
process.on('SIGTERM', async () => {
  server.close();
  await ironflow.close();
  await log.close();
  process.exit(0);
});
listen(server);
