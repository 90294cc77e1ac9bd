import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createTokenService, type TokenService } from '@ironflow/auth';
import { createMemoryEventLog, createMemoryUserStore, type EventLog } from '@ironflow/store';
import type { Middleware } from 'koa';
import { afterEach } from 'vitest';
import { type AppDeps, createApp, type IronflowApp } from '../../src/index.js';

export const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256!!';
export const WORKER_TOKEN = 'test-worker-token';

export interface TestServer {
  readonly url: string;
  readonly log: EventLog;
  readonly ironflow: IronflowApp;
  readonly tokens: TokenService;
  /** An access token for a user (random id unless given). */
  token(user?: { userId?: string; username?: string; isAdmin?: boolean }): string;
  /** The node:http server, for tests that watch requests arrive. */
  readonly http: Server;
  /** Cuts every stream's connection from the server side, as a crash or a proxy restart would. */
  dropConnections(): void;
  /** POSTs JSON to an ingest route with the worker token. */
  ingest(body: unknown, path?: string): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the real app on a real TCP port (port 0) with an in-memory log. */
export async function startTestServer(
  overrides: Partial<AppDeps> & {
    historyLimit?: number;
    /** A middleware run before the app's own, for tests that watch Koa's per-request context. */
    observe?: Middleware;
  } = {},
): Promise<TestServer> {
  const log = overrides.log ?? createMemoryEventLog({ historyLimit: overrides.historyLimit ?? 100_000 });
  const tokens = createTokenService({ secret: JWT_SECRET });
  const ironflow = createApp({
    log,
    users: createMemoryUserStore(),
    tokens,
    jwtSecret: JWT_SECRET,
    workerToken: WORKER_TOKEN,
    environment: 'development',
    ...overrides,
  });
  if (overrides.observe) ironflow.app.middleware.unshift(overrides.observe);
  const server: Server = createServer(ironflow.app.callback());
  // Only stream sockets are cut: dropping the test's own pooled fetch sockets too would make
  // its next ingest fail for a reason that has nothing to do with the server.
  const streamSockets = new Set<Socket>();
  server.on('request', (req: IncomingMessage) => {
    if (!req.url?.startsWith('/api/v1/events')) return;
    streamSockets.add(req.socket);
    req.socket.once('close', () => streamSockets.delete(req.socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    log,
    ironflow,
    tokens,
    token: (user = {}) =>
      tokens.mintAccess({
        userId: user.userId ?? crypto.randomUUID(),
        username: user.username ?? 'tester',
        isAdmin: user.isAdmin ?? false,
      }),
    http: server,
    dropConnections: () => {
      for (const socket of streamSockets) socket.destroy();
    },
    ingest: (body, path = '/api/v1/internal/events') =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async close() {
      await ironflow.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * For one test file: returns a `startTestServer` whose servers are all closed after each test
 * (after `beforeClose`, e.g. closing the test's clients first).
 */
export function useTestServers(
  beforeClose: () => void = () => {},
): (overrides?: Parameters<typeof startTestServer>[0]) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    beforeClose();
    for (const srv of servers.splice(0)) await srv.close();
  });
  return async (overrides) => {
    const started = await startTestServer(overrides);
    servers.push(started);
    return started;
  };
}
