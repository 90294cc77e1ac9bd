// ironflow's app on the PostgreSQL event log (S5 only), wired as apps/server does but on a schema
// of its own (the server's DATABASE_URL has no schema option), so bench rows stay apart.
import http from 'node:http';
import { createApp } from '@ironflow/api';
import { createTokenService } from '@ironflow/auth';
import * as store from '@ironflow/store';
import { listen } from './read-body.js';

const secret = process.env.JWT_SECRET;
const log = await store.createPostgresEventLog({
  connectionString: process.env.DATABASE_URL,
  schema: 'ironflow_bench',
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
