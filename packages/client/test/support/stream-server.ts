import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppDeps, createApp, type IronflowApp } from '@ironflow/api';
import { createTokenService, type TokenService } from '@ironflow/auth';
import {
  createMemoryEventLog,
  createMemoryUserStore,
  type EventLog,
  formatCursor,
  parseCursor,
} from '@ironflow/store';

export const JWT_SECRET = 'client-test-secret-that-is-long-enough-for-hs256';
export const WORKER_TOKEN = 'client-test-worker-token';

export interface StreamServerOptions {
  readonly stream?: AppDeps['stream'];
  readonly historyLimit?: number;
  /** Listen on this port (to restart a server where a client expects it). @default 0 */
  readonly port?: number;
  readonly accessTtlSeconds?: number;
}

/** The real app on a real port, keeping the node `Server` so a test can cut connections. */
export interface StreamServer {
  readonly url: string;
  readonly port: number;
  readonly log: EventLog;
  readonly ironflow: IronflowApp;
  readonly tokens: TokenService;
  token(user?: { userId?: string; isAdmin?: boolean }): string;
  /** Ingests events with the worker token; returns their cursors. */
  ingest(events: readonly unknown[]): Promise<string[]>;
  /** Cuts every open connection from the server side, as a crash or a proxy restart would. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startStreamServer(options: StreamServerOptions = {}): Promise<StreamServer> {
  const log = createMemoryEventLog({ historyLimit: options.historyLimit ?? 100_000 });
  const tokens = createTokenService({
    secret: JWT_SECRET,
    accessTtlSeconds: options.accessTtlSeconds ?? 900,
  });
  const ironflow = createApp({
    log,
    users: createMemoryUserStore(),
    tokens,
    jwtSecret: JWT_SECRET,
    workerToken: WORKER_TOKEN,
    environment: 'development',
    stream: { retryMs: 50, ...options.stream },
  });
  const server: Server = createServer(ironflow.app.callback());
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    url,
    port,
    log,
    ironflow,
    tokens,
    token: (user = {}) =>
      tokens.mintAccess({
        userId: user.userId ?? crypto.randomUUID(),
        username: 'client-tester',
        isAdmin: user.isAdmin ?? true,
      }),
    async ingest(events) {
      const response = await postWithoutKeepAlive(`${url}/api/v1/internal/events`, JSON.stringify(events));
      if (response.status !== 202) throw new Error(`ingest: ${response.status} ${response.body}`);
      // A batch gets consecutive seqs (docs/PROTOCOL.md §4), so its cursors follow from the first one.
      const { data } = JSON.parse(response.body) as { data: { first_id: string } };
      const first = parseCursor(data.first_id);
      return events.map((_, index) => formatCursor(first.epoch, first.seq + index));
    },
    dropConnections: () => server.closeAllConnections(),
    async close() {
      if (closed) return;
      closed = true;
      await ironflow.close();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * POSTs on a connection of its own: tests restart servers on the same port, and a pooled
 * keep-alive socket to the old one (what `fetch` would reuse) fails the next request.
 */
function postWithoutKeepAlive(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
