// Peer for S9 (stream opens): a bare node:http server that authenticates each stream as ironflow
// does, with the same token verification (@ironflow/auth: jsonwebtoken, HS256 with a KeyObject,
// exp and typ checked), then answers the SSE head and its first comment in one write. No router,
// no framework, no hub, no limits: what opening an authenticated stream costs at the least.
import http from 'node:http';
import { createTokenService } from '@ironflow/auth';
import { listen } from './read-body.js';

const tokens = createTokenService({ secret: process.env.JWT_SECRET });
const HEAD = 'retry: 3000\n\n: connected\n\n';

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' || !req.url.startsWith('/events')) return res.writeHead(404).end();
  const header = req.headers.authorization ?? '';
  try {
    tokens.verify(header.startsWith('Bearer ') ? header.slice(7) : '', 'access');
  } catch {
    res.writeHead(401, { 'content-type': 'application/json' });
    return res.end('{"error":"unauthorized"}');
  }
  res.socket.setNoDelay(true);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(HEAD);
});
listen(server);
