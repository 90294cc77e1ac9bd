// Memory per idle stream of the built server over HTTP/2 and HTTP/1.1 (HTTPS on one port, and
// plain HTTP/1.1 for reference). Run after `pnpm run build`: node bench/src/h2-memory.js [streams]
//
// Method: for each scenario a fresh server (`node --expose-gc --import gc-report-on-signal.js
// apps/server/dist/main.js`, in-memory store, default stream settings) in its own process; the
// clients in this process. Heap used and RSS after a full GC (SIGUSR2) before and after opening
// the streams (each on everything, 30 users' streams per user, settled 2 s); per stream =
// difference / streams.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { createTokenService } from '@ironflow/auth';

const STREAMS = Number(process.argv[2] ?? 2000);
const root = fileURLToPath(new URL('../../', import.meta.url));
const main = path.join(root, 'apps/server/dist/main.js');
const preload = fileURLToPath(new URL('./servers/gc-report-on-signal.js', import.meta.url));
const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-in-production!!';
const tokens = createTokenService({ secret: DEV_JWT_SECRET });

const dir = mkdtempSync(path.join(tmpdir(), 'ironflow-h2-memory-'));
const certFile = path.join(dir, 'cert.pem');
const keyFile = path.join(dir, 'key.pem');
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
  ],
  { stdio: 'ignore' },
);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function startServer(withTls) {
  const env = {
    PATH: process.env.PATH,
    PORT: '0',
    ...(withTls ? { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } : {}),
  };
  const child = spawn(process.execPath, ['--expose-gc', '--import', preload, main], { cwd: root, env });
  const reports = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
    for (;;) {
      const at = stderr.indexOf('\n');
      if (at === -1) break;
      const line = stderr.slice(0, at);
      stderr = stderr.slice(at + 1);
      if (line.startsWith('{"memory"')) reports.push(JSON.parse(line).memory);
    }
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start')), 15_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((text) => text.includes('"ironflow listening"'));
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      const port = JSON.parse(line).port;
      resolve({
        child,
        port,
        async memory() {
          const before = reports.length;
          child.kill('SIGUSR2');
          for (let wait = 0; wait < 100 && reports.length === before; wait++) await sleep(50);
          return reports.at(-1);
        },
      });
    });
  });
}

const tokenFor = (index) =>
  tokens.mintAccess({
    userId: `00000000-0000-4000-8000-${String(Math.floor(index / 30)).padStart(12, '0')}`,
    username: 'm',
    isAdmin: false,
  });

/** Opens a stream over HTTP/1.1 (plain or TLS) on a raw socket; resolves once it is open. */
function http1Stream(port, index, withTls) {
  return new Promise((resolve, reject) => {
    const socket = withTls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] })
      : net.connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes(': connected')) resolve(socket);
    });
    socket.on('error', reject);
    socket.write(
      `GET /api/v1/events HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ${tokenFor(index)}\r\n\r\n`,
    );
  });
}

/** Opens a stream on an HTTP/2 session; resolves once it is open. */
function http2Stream(session, index) {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': '/api/v1/events', authorization: `Bearer ${tokenFor(index)}` });
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      text += chunk;
      if (text.includes(': connected')) resolve(stream);
    });
    stream.on('error', reject);
  });
}

async function inBatches(count, open) {
  const opened = [];
  for (let from = 0; from < count; from += 100) {
    opened.push(
      ...(await Promise.all(Array.from({ length: Math.min(100, count - from) }, (_, i) => open(from + i)))),
    );
  }
  return opened;
}

const scenarios = [
  {
    name: 'HTTP/1.1, plain',
    tls: false,
    open: (port) => inBatches(STREAMS, (i) => http1Stream(port, i, false)),
  },
  {
    name: 'HTTP/1.1 over TLS',
    tls: true,
    open: (port) => inBatches(STREAMS, (i) => http1Stream(port, i, true)),
  },
  {
    name: 'HTTP/2, 4 sessions',
    tls: true,
    open: async (port) => {
      const sessions = Array.from({ length: 4 }, () =>
        http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false }),
      );
      return inBatches(STREAMS, (i) => http2Stream(sessions[i % 4], i));
    },
  },
  {
    name: 'HTTP/2, one session each',
    tls: true,
    open: (port) =>
      inBatches(STREAMS, (i) =>
        http2Stream(http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false }), i),
      ),
  },
];

const rows = [];
for (const scenario of scenarios) {
  const server = await startServer(scenario.tls);
  await sleep(1_000);
  const before = await server.memory();
  await scenario.open(server.port);
  await sleep(2_000);
  const after = await server.memory();
  rows.push({
    scenario: scenario.name,
    heapPerStreamKiB: (after.heapUsed - before.heapUsed) / STREAMS / 1024,
    rssPerStreamKiB: (after.rss - before.rss) / STREAMS / 1024,
  });
  server.child.kill('SIGKILL');
  await sleep(500);
}
console.log(`| scenario (${STREAMS} idle streams) | heap per stream, KiB | RSS per stream, KiB |`);
console.log('|---|---|---|');
for (const row of rows) {
  console.log(`| ${row.scenario} | ${row.heapPerStreamKiB.toFixed(1)} | ${row.rssPerStreamKiB.toFixed(1)} |`);
}
process.exit(0);
