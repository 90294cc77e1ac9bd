// A child process that holds many SSE client connections and checks what each one receives.
// Driven over IPC by sse-clients.js; one message in, one reply out.
//
// Parsing is deliberately minimal so the clients, not the servers, are never the bottleneck:
// only complete messages (up to the last blank line) are scanned, for the `"seq":"N"` label of
// each event (and the `"t"` label when measuring latency, and the `id:` line when tracking
// cursors for resume). Chunked transfer coding is decoded by node:http's C parser.
import http from 'node:http';

const SEQ = '"seq":"';
const TIME = '"t":"';
const OPEN_CONCURRENCY = 200;

/** @type {Client[]} */
let clients = [];
let options = { port: 0, latency: 0, trackIds: false };
let latencies = [];
let doneCount = 0;
let doneAt = 0;
/** The id of a pending `waitDone` request, answered when the last client completes. */
let waitingForDone = null;

class Client {
  constructor(index, spec) {
    this.index = index;
    this.path = spec.path;
    this.headers = spec.headers ?? {};
    this.carry = '';
    this.lastId = null;
    this.req = null;
    this.res = null;
    this.opened = false;
    this.failure = null;
    this.expect(spec.expect);
  }

  /** Expect seq values first, first+stride, … up to `count` of them (count 0: expect nothing). */
  expect({ first, stride, count }) {
    this.next = first;
    this.stride = stride;
    this.last = first + stride * (count - 1);
    this.count = count;
    this.received = 0;
    this.lost = 0;
    this.duplicates = 0;
    this.done = count === 0;
  }

  onSeq(seq, text, at) {
    if (seq === this.next) {
      this.received++;
      this.next += this.stride;
    } else if (seq < this.next) {
      this.duplicates++;
      return;
    } else {
      // Everything between what we expected and what came is lost (a gap in the sequence).
      this.lost += Math.floor((seq - this.next) / this.stride);
      this.received++;
      this.next = seq + this.stride;
    }
    // Latency is sampled on every `latency`-th seq (1: every event) to keep the clients light.
    if (options.latency > 0 && seq % options.latency === 0) {
      const t = text.indexOf(TIME, at);
      if (t >= 0) latencies.push(nowMs() - Number(text.slice(t + TIME.length, text.indexOf('"', t + 5))));
    }
    if (!this.done && this.next > this.last) {
      this.done = true;
      doneCount++;
      if (doneCount === clients.length) allDone();
    }
  }

  onData(chunk) {
    const text = this.carry + chunk.toString('latin1');
    const end = text.lastIndexOf('\n\n');
    if (end < 0) {
      this.carry = text;
      return;
    }
    this.carry = end + 2 === text.length ? '' : text.slice(end + 2);
    let pos = 0;
    for (;;) {
      const i = text.indexOf(SEQ, pos);
      if (i < 0 || i > end) break;
      let seq = 0;
      let j = i + SEQ.length;
      for (let c = text.charCodeAt(j); c >= 48 && c <= 57; c = text.charCodeAt(++j)) seq = seq * 10 + c - 48;
      if (options.trackIds) {
        // `id:` with or without the optional space (better-sse writes none).
        const idAt = text.lastIndexOf('id:', i);
        if (idAt >= 0) {
          const from = text.charCodeAt(idAt + 3) === 32 ? idAt + 4 : idAt + 3;
          this.lastId = text.slice(from, text.indexOf('\n', idAt));
        }
      }
      this.onSeq(seq, text, j);
      pos = j;
    }
  }

  open(extraHeaders) {
    return new Promise((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port: options.port,
        path: this.path,
        headers: { accept: 'text/event-stream', ...this.headers, ...extraHeaders },
        agent: false,
      });
      this.req = req;
      this.carry = '';
      req.on('response', (res) => {
        this.res = res;
        if (res.statusCode !== 200) {
          this.failure = `HTTP ${res.statusCode}`;
          res.resume();
          resolve(false);
          return;
        }
        this.opened = true;
        res.on('data', (chunk) => this.onData(chunk));
        res.on('error', () => {});
        res.on('end', () => {
          this.opened = false;
        });
        resolve(true);
      });
      req.on('error', (error) => {
        this.opened = false;
        if (!this.failure) this.failure = error.code ?? error.message;
        resolve(false);
      });
      req.end();
    });
  }

  close() {
    this.opened = false;
    this.req?.destroy();
    this.res?.destroy();
  }
}

function nowMs() {
  return performance.timeOrigin + performance.now();
}

function allDone() {
  doneAt = nowMs();
  if (waitingForDone !== null) {
    process.send({ type: 'reply', id: waitingForDone, at: doneAt });
    waitingForDone = null;
  }
}

async function openAll(list, headersOf) {
  let next = 0;
  let failed = 0;
  async function lane() {
    while (next < list.length) {
      const client = list[next++];
      if (!(await client.open(headersOf(client)))) failed++;
    }
  }
  await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, list.length) }, lane));
  return failed;
}

function report() {
  let received = 0;
  let lost = 0;
  let duplicates = 0;
  let incomplete = 0;
  let failures = 0;
  let open = 0;
  for (const c of clients) {
    received += c.received;
    lost += c.lost;
    duplicates += c.duplicates;
    if (!c.done) {
      incomplete++;
      // What never came is lost too.
      lost += Math.max(0, Math.floor((c.last - c.next) / c.stride) + 1);
    }
    if (c.failure) failures++;
    if (c.opened) open++;
  }
  const firstFailure = clients.find((c) => c.failure)?.failure ?? null;
  return { clients: clients.length, open, received, lost, duplicates, incomplete, failures, firstFailure };
}

const handlers = {
  /** Opens every client (bounded concurrency); replies once all have their response headers. */
  async open(msg) {
    options = { port: msg.port, latency: msg.latency ?? 0, trackIds: Boolean(msg.trackIds) };
    clients = msg.clients.map((spec, i) => new Client(i, spec));
    doneCount = clients.filter((c) => c.done).length;
    const failed = await openAll(clients, () => ({}));
    return { failed };
  },
  /** New expectations for the next round on the same connections. */
  expect(msg) {
    options.latency = msg.latency ?? 0;
    latencies = [];
    doneAt = 0;
    for (const c of clients) c.expect(msg.expect[c.index] ?? msg.expect[0]);
    doneCount = clients.filter((c) => c.done).length;
    return {};
  },
  /** Extends every client's expectation by `count` more events (same stride), keeping its position. */
  extend(msg) {
    doneAt = 0;
    doneCount = 0;
    for (const c of clients) {
      c.last += c.stride * msg.count;
      c.count += msg.count;
      c.done = c.next > c.last;
      if (c.done) doneCount++;
    }
    return {};
  },
  /** Replies `done` when every client has received everything expected (or at once if already). */
  waitDone(msg) {
    if (doneCount === clients.length) return { at: doneAt || nowMs() };
    waitingForDone = msg.id;
    return null;
  },
  report() {
    const result = report();
    result.latencies = latencies;
    latencies = [];
    return result;
  },
  /** Drops every connection. */
  drop() {
    for (const c of clients) c.close();
    return {};
  },
  /** Reopens every client at once, sending the last cursor it saw as `Last-Event-ID`. */
  async reconnect() {
    for (const c of clients) c.failure = null;
    const failed = await openAll(clients, (c) => (c.lastId === null ? {} : { 'last-event-id': c.lastId }));
    return { failed };
  },
  lastIds() {
    return { ids: clients.map((c) => c.lastId) };
  },
};

process.on('message', async (msg) => {
  const reply = await handlers[msg.type](msg);
  if (reply !== null) process.send({ type: 'reply', id: msg.id, ...reply });
});
process.on('disconnect', () => process.exit(0));
