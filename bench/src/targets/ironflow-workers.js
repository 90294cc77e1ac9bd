import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, startNodeServer } from '../lib/node-server.js';
import { childPids } from '../lib/proc-stats.js';
import { ironflowSession, JWT_SECRET, WORKER_TOKEN } from './ironflow.js';
import { databaseUrl, ownName } from './ironflow-postgres.js';

const CLI = fileURLToPath(new URL('../../../apps/server/dist/cli.js', import.meta.url));
const DATABASE = ownName('ironflow_bench_workers');

/**
 * The built server as users run it on PostgreSQL, `ironflow serve --workers N` (N = 1: plain
 * `ironflow serve`), on a database of its own re-created at each start (the server takes no
 * schema option). CPU and RSS count the primary and every worker.
 */
export function ironflowWorkers(workers) {
  return {
    name: workers === 1 ? 'ironflow serve (PostgreSQL)' : `ironflow serve --workers ${workers} (PostgreSQL)`,
    description: `built apps/server, \`ironflow serve${workers === 1 ? '' : ` --workers ${workers}`}\` with DATABASE_URL`,
    available: () =>
      !existsSync(CLI)
        ? 'apps/server/dist/cli.js missing: run `pnpm run build`'
        : databaseUrl()
          ? null
          : 'no IRONFLOW_TEST_DATABASE_URL or DATABASE_URL set',
    async start() {
      const admin = new pg.Client({ connectionString: databaseUrl() });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${DATABASE}`);
      } finally {
        await admin.end();
      }
      const url = new URL(databaseUrl());
      url.pathname = `/${DATABASE}`;
      const port = await freePort();
      const server = await startNodeServer(
        CLI,
        {
          PORT: String(port),
          JWT_SECRET,
          WORKER_TOKEN,
          LOG_LEVEL: 'warn',
          IRONFLOW_ENV: 'development',
          DATABASE_URL: url.href,
        },
        (child) =>
          new Promise((resolve) => {
            let text = '';
            child.stderr.on('data', function onData(chunk) {
              text += chunk;
              if (/listening on/.test(text)) {
                child.stderr.off('data', onData);
                resolve(port);
              }
            });
          }),
        [],
        ['serve', ...(workers === 1 ? [] : ['--workers', String(workers)])],
      );
      const session = ironflowSession({
        ...server,
        pids: () => [server.child.pid, ...childPids(server.child.pid)],
      });
      return {
        ...session,
        // The database is this invocation's own (ownName): dropped once its server stopped.
        async stop() {
          await session.stop();
          const admin = new pg.Client({ connectionString: databaseUrl() });
          await admin.connect();
          await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`).finally(() => admin.end());
        },
      };
    },
  };
}
