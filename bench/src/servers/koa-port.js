// Peer: the straightforward Koa port of the original design, written as the issue describes it.
// One shared ring of 256 events; every connection is a listener that filters every event and
// calls JSON.stringify per event per connection; the body is a PassThrough; each connection has
// its own keep-alive timer. Last-Event-ID resumes from the ring only (older cursors lose events).
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { PassThrough } from 'node:stream';
import Koa from 'koa';
import { listen, readBody } from './read-body.js';

const RING = 256;
let seq = 0;
const ring = [];
const bus = new EventEmitter();
bus.setMaxListeners(0);

function toSse(stored) {
  return `id: ${stored.seq}\nevent: ${stored.event.type}\ndata: ${JSON.stringify(stored.event)}\n\n`;
}

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.method === 'GET' && ctx.path === '/events') {
    const runId = ctx.query.run_id ?? null;
    const matches = (stored) => runId === null || stored.event.run_id === runId;
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const stream = new PassThrough();
    ctx.status = 200;
    ctx.body = stream;
    stream.write('retry: 3000\n\n: connected\n\n');
    const lastId = Number(ctx.get('last-event-id'));
    if (Number.isInteger(lastId) && lastId > 0) {
      for (const stored of ring) if (stored.seq > lastId && matches(stored)) stream.write(toSse(stored));
    }
    const listener = (stored) => {
      if (matches(stored)) stream.write(toSse(stored));
    };
    bus.on('event', listener);
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), 30_000);
    const cleanup = () => {
      bus.off('event', listener);
      clearInterval(keepAlive);
      stream.end();
    };
    ctx.req.on('close', cleanup);
    return;
  }
  if (ctx.method === 'POST' && ctx.path === '/publish') {
    const events = JSON.parse(await readBody(ctx.req));
    for (const event of events) {
      const stored = { seq: ++seq, event };
      ring.push(stored);
      if (ring.length > RING) ring.shift();
      bus.emit('event', stored);
    }
    ctx.status = 202;
    ctx.body = { accepted: events.length };
    return;
  }
  ctx.status = 404;
});

listen(http.createServer(app.callback()));
