// Peer: the minimal node:http SSE server, the Node ceiling. It serialises each event once,
// indexes subscribers (one set for "everything", one per run), and writes each connection once
// per published batch. It keeps the same 1 MiB slow-client bound as ironflow and one shared
// keep-alive timer, a bounded history for Last-Event-ID, and nothing else: no auth, no store.
import http from 'node:http';
import { listen, readBody } from './read-body.js';

const MAX_BUFFERED = 1 << 20;
const HISTORY = 100_000;
const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');
const PREAMBLE = Buffer.from('retry: 3000\n\n: connected\n\n');

let seq = 0;
const history = []; // { seq, runId, frame }
const everything = new Set();
const byRun = new Map();

function frameOf(event) {
  return Buffer.from(`id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

function send(res, chunk) {
  if (res.writableLength > MAX_BUFFERED) res.destroy();
  else res.write(chunk);
}

function publish(events) {
  const frames = [];
  const touched = new Set();
  for (const event of events) {
    seq++;
    const frame = frameOf(event);
    frames.push(frame);
    history.push({ seq, runId: event.run_id, frame });
    const runSubs = byRun.get(event.run_id);
    if (runSubs) {
      for (const res of runSubs) {
        if (res.pending.length === 0) touched.add(res);
        res.pending.push(frame);
      }
    }
  }
  if (history.length > HISTORY) history.splice(0, history.length - HISTORY);
  if (everything.size > 0) {
    const batch = frames.length === 1 ? frames[0] : Buffer.concat(frames);
    for (const res of everything) send(res, batch);
  }
  for (const res of touched) {
    const pending = res.pending;
    res.pending = [];
    send(res, pending.length === 1 ? pending[0] : Buffer.concat(pending));
  }
  return frames.length;
}

function subscribe(req, res, url) {
  const runId = url.searchParams.get('run_id');
  res.socket.setNoDelay(true);
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.pending = [];
  const parts = [PREAMBLE];
  const lastId = Number(req.headers['last-event-id']);
  if (Number.isInteger(lastId) && lastId > 0) {
    for (const entry of history) {
      if (entry.seq > lastId && (runId === null || entry.runId === runId)) parts.push(entry.frame);
    }
  }
  res.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  const set = runId === null ? everything : (byRun.get(runId) ?? new Set());
  if (runId !== null) byRun.set(runId, set);
  set.add(res);
  res.on('close', () => {
    set.delete(res);
    if (runId !== null && set.size === 0) byRun.delete(runId);
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'GET' && url.pathname === '/events') return subscribe(req, res, url);
  if (req.method === 'POST' && url.pathname === '/publish') {
    const accepted = publish(JSON.parse(await readBody(req)));
    res.writeHead(202, { 'content-type': 'application/json' });
    return res.end(`{"accepted":${accepted}}`);
  }
  res.writeHead(404).end();
});

// One shared timer for keep-alives, as in ironflow.
setInterval(() => {
  for (const res of everything) res.write(KEEP_ALIVE);
  for (const set of byRun.values()) for (const res of set) res.write(KEEP_ALIVE);
}, 30_000).unref();

listen(server);
