import { once } from 'node:events';
import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppDeps, createApp, type IronflowApp } from '@ironflow/api';
import { createTokenService, type TokenService } from '@ironflow/auth';
import { createMemoryEventLog, createMemoryUserStore, type EventLog } from '@ironflow/store';
import { JWT_SECRET, WORKER_TOKEN } from './harness.js';

/** The real app on port 0 in this process, with the Node server options a test needs. */
export interface InProcessServer {
  readonly url: string;
  readonly server: Server;
  readonly ironflow: IronflowApp;
  readonly log: EventLog;
  readonly tokens: TokenService;
  close(): Promise<void>;
}

export async function startInProcess(
  deps: Partial<AppDeps> = {},
  serverOptions: ServerOptions & { headersTimeout?: number } = {},
): Promise<InProcessServer> {
  const log = deps.log ?? createMemoryEventLog();
  const tokens = createTokenService({ secret: JWT_SECRET });
  const ironflow = createApp({
    log,
    users: createMemoryUserStore(),
    tokens,
    jwtSecret: JWT_SECRET,
    workerToken: WORKER_TOKEN,
    environment: 'development',
    ...deps,
  });
  const server = createServer(serverOptions, ironflow.app.callback());
  if (serverOptions.headersTimeout !== undefined) server.headersTimeout = serverOptions.headersTimeout;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    ironflow,
    log,
    tokens,
    async close() {
      await ironflow.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
