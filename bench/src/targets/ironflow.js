import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createTokenService } from '@ironflow/auth';
import { createHttpPublisher } from '../lib/http-publisher.js';
import { freePort, startNodeServer } from '../lib/node-server.js';

const MAIN = fileURLToPath(new URL('../../../apps/server/dist/main.js', import.meta.url));
export const JWT_SECRET = 'bench-jwt-secret-that-is-long-enough-for-hs256!!';
export const WORKER_TOKEN = 'bench-worker-token';
const OVERRIDE = fileURLToPath(new URL('../servers/package-override.js', import.meta.url));

/**
 * ironflow as users run it: the built server (`node apps/server/dist/main.js`, in-memory store)
 * in its own process with LOG_LEVEL=warn and default stream settings. Every client is its own
 * (non-admin) user with its own access token; events go through the ingest route.
 */
export const ironflow = ironflowWith('ironflow', null);

/**
 * The same server with `@ironflow/api` loaded from another build (`apiDist`), to compare two
 * builds of the hub in one run.
 */
export function ironflowWith(name, apiDist, overrides = null) {
  return {
    name,
    description: overrides
      ? `built apps/server with ${Object.entries(overrides)
          .map(([pkg, dir]) => `${pkg} from ${dir}`)
          .join(', ')}`
      : apiDist
        ? `built apps/server with @ironflow/api from ${apiDist}`
        : 'built apps/server (Koa app, hub, in-memory log), ingest route, one user per client',
    available: () => (existsSync(MAIN) ? null : 'apps/server/dist/main.js missing: run `pnpm run build`'),
    async start() {
      const port = await freePort();
      const server = await startNodeServer(
        MAIN,
        {
          PORT: String(port),
          JWT_SECRET,
          WORKER_TOKEN,
          LOG_LEVEL: 'warn',
          IRONFLOW_ENV: 'development',
          ...(apiDist ? { IRONFLOW_BENCH_API_DIST: apiDist } : {}),
          ...(overrides ? { IRONFLOW_BENCH_OVERRIDES: JSON.stringify(overrides) } : {}),
        },
        () => waitHealthy(port),
        [...(apiDist || overrides ? ['--import', OVERRIDE] : []), ...profileArgs()],
      );
      return ironflowSession(server);
    },
  };
}

/**
 * What the scenarios use of a running ironflow (built server or PostgreSQL variant): stream
 * paths, a fresh non-admin user token per client, ingest through the worker route.
 */
export function ironflowSession(server) {
  const tokens = createTokenService({ secret: JWT_SECRET, accessTtlSeconds: 3_600 });
  const publisher = createHttpPublisher(server.port, { authorization: `Bearer ${WORKER_TOKEN}` });
  return {
    ...server,
    path: ({ runId } = {}) => (runId ? `/api/v1/events?run_id=${runId}` : '/api/v1/events'),
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
}

/** `IRONFLOW_BENCH_CPU_PROF=<dir>`: the server writes a V8 CPU profile there when it stops. */
export function profileArgs() {
  const dir = process.env.IRONFLOW_BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

async function waitHealthy(port) {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health-check`);
      if (res.ok) return port;
    } catch {}
    await sleep(100);
  }
  throw new Error('ironflow did not become healthy');
}
