// Peer: better-sse (createSession + Channel), used as its README shows: one channel for streams
// without a filter and one channel per run; each published event is broadcast to "everything"
// and to its run's channel. better-sse serialises per session (JSON.stringify inside push) and
// keeps a keep-alive timer per session (set to 30 s like the others). Last-Event-ID replays
// from a bounded history before the session joins its channel, as an application would add.
import http from 'node:http';
import { createChannel, createSession } from 'better-sse';
import { listen, readBody } from './read-body.js';

const HISTORY = 100_000;
let seq = 0;
const history = [];
const everything = createChannel();
const byRun = new Map();

function channelFor(runId) {
  let channel = byRun.get(runId);
  if (!channel) {
    channel = createChannel();
    byRun.set(runId, channel);
    channel.on('session-deregistered', () => {
      if (channel.sessionCount === 0) byRun.delete(runId);
    });
  }
  return channel;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'GET' && url.pathname === '/events') {
    const runId = url.searchParams.get('run_id');
    req.socket.setNoDelay(true);
    const session = await createSession(req, res, { keepAlive: 30_000, retry: 3_000 });
    const lastId = Number(session.lastId);
    if (Number.isInteger(lastId) && lastId > 0) {
      for (const entry of history) {
        if (entry.seq > lastId && (runId === null || entry.event.run_id === runId)) {
          session.push(entry.event, entry.event.type, String(entry.seq));
        }
      }
    }
    (runId === null ? everything : channelFor(runId)).register(session);
    return;
  }
  if (req.method === 'POST' && url.pathname === '/publish') {
    const events = JSON.parse(await readBody(req));
    for (const event of events) {
      seq++;
      history.push({ seq, event });
      const options = { eventId: String(seq) };
      everything.broadcast(event, event.type, options);
      byRun.get(event.run_id)?.broadcast(event, event.type, options);
    }
    if (history.length > HISTORY) history.splice(0, history.length - HISTORY);
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(`{"accepted":${events.length}}`);
    return;
  }
  res.writeHead(404).end();
});

listen(server);
