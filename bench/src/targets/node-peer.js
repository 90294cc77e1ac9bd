import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTokenService } from '@ironflow/auth';
import { createHttpPublisher } from '../lib/http-publisher.js';
import { listeningLine, startNodeServer } from '../lib/node-server.js';

/** A Node peer from ../servers: `GET /events[?run_id=]` and `POST /publish` (a JSON array). */
export function nodePeer(name, file, description, { env = {}, headers = () => ({}), only = null } = {}) {
  const script = fileURLToPath(new URL(`../servers/${file}`, import.meta.url));
  return {
    name,
    description,
    only,
    available: () => null,
    async start() {
      const server = await startNodeServer(script, { PORT: '0', ...env }, listeningLine);
      const publisher = createHttpPublisher(server.port);
      return {
        ...server,
        path: ({ runId } = {}) => (runId ? `/events?run_id=${runId}` : '/events'),
        headers,
        async publish(events) {
          const status = await publisher.post('/publish', JSON.stringify(events));
          if (status !== 202) throw new Error(`${name} publish answered ${status}`);
        },
        async stop() {
          publisher.close();
          await server.stop();
        },
      };
    },
  };
}

export const nodeCeiling = nodePeer(
  'node:http ceiling',
  'node-ceiling.js',
  'minimal node:http: serialise once, index subscribers, one write per connection per batch',
);
export const koaPort = nodePeer(
  'straightforward Koa port',
  'koa-port.js',
  'original design: ring of 256, filter + JSON.stringify per event per connection, PassThrough, timer per connection',
);
export const betterSse = nodePeer(
  'better-sse',
  'better-sse.js',
  'better-sse 0.16 createSession + Channel (one for all, one per run), default serializer',
);

const jwtSecret = 'bench-jwt-secret-that-is-long-enough-for-hs256!!';
const jwtTokens = createTokenService({ secret: jwtSecret, accessTtlSeconds: 3_600 });
export const nodeJwt = nodePeer(
  'node:http + JWT',
  'node-jwt.js',
  'bare node:http that verifies the access token as ironflow does (@ironflow/auth) and answers the SSE head (S9 only)',
  {
    env: { JWT_SECRET: jwtSecret },
    headers: () => ({
      authorization: `Bearer ${jwtTokens.mintAccess({ userId: randomUUID(), username: 'bench', isAdmin: false })}`,
    }),
    only: ['s9'],
  },
);
