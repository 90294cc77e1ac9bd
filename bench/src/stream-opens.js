// Stream opens per second of the built server, with an access token against an API key, so the
// cost of checking a key on every open is known. Run after `pnpm run build`:
//   node bench/src/stream-opens.js [opens per round] [concurrency]
//   DATABASE_URL=postgres://… node bench/src/stream-opens.js   (PostgreSQL stores)
//
// Method: one fresh server process (`apps/server/dist/main.js`, LOG_LEVEL=warn, default settings,
// SSE_MAX_STREAMS_PER_USER raised so the limit never answers); the clients in this process over
// HTTP/1.1, a new connection per open. An open is `GET /api/v1/events` until the response head
// arrives, then the client hangs up. Rounds alternate token, key, token, key … (6 rounds each,
// after two warm-up rounds each), so a busy machine weighs on both alike; reported: the median
// opens/s of the rounds and the median open latency over all of them.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OPENS = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const ROUNDS = 6;
const root = fileURLToPath(new URL('../../', import.meta.url));
const main = path.join(root, 'apps/server/dist/main.js');

function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = {
  PATH: process.env.PATH,
  PORT: String(port),
  LOG_LEVEL: 'warn',
  SSE_MAX_STREAMS_PER_USER: '100000',
};
if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
const server = spawn(process.execPath, [main], { env, stdio: 'ignore' });
for (let i = 0; ; i++) {
  const up = await fetch(`${base}/api/v1/health-check`).then(
    (r) => r.ok,
    () => false,
  );
  if (up) break;
  if (i > 200) throw new Error('the server did not start');
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const name = `bench${Date.now().toString(36)}`;
const signUp = await fetch(`${base}/api/v1/auth/sign-up`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: `${name}@example.com`, username: name, password: 'correct horse battery' }),
});
if (signUp.status !== 201) throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`);
const token = (await signUp.json()).data.access_token;
const created = await fetch(`${base}/api/v1/api-keys`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench', scopes: ['events:read'] }),
});
if (created.status !== 201) throw new Error(`key creation answered ${created.status}`);
const key = (await created.json()).data.key;

const agent = new http.Agent({ keepAlive: false, maxSockets: CONCURRENCY });

function openOnce(credential) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${base}/api/v1/events`,
      { agent, headers: { authorization: `Bearer ${credential}`, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`open answered ${res.statusCode}`));
        else resolve(performance.now() - started);
        req.destroy();
      },
    );
    req.on('error', (error) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
  });
}

async function round(credential, latencies) {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next++ < OPENS) latencies.push(await openOnce(credential));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return OPENS / ((performance.now() - started) / 1000);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = { token: { rates: [], latencies: [] }, key: { rates: [], latencies: [] } };
for (let i = 0; i < 2; i++) await round(token, []);
for (let i = 0; i < 2; i++) await round(key, []);
for (let i = 0; i < ROUNDS; i++) {
  for (const [label, credential] of [
    ['token', token],
    ['key', key],
  ]) {
    results[label].rates.push(await round(credential, results[label].latencies));
  }
}
server.kill('SIGTERM');
const store = process.env.DATABASE_URL ? 'PostgreSQL' : 'memory';
console.log(`stream opens, ${store} stores, ${OPENS} opens × ${ROUNDS} rounds, concurrency ${CONCURRENCY}:`);
for (const [label, { rates, latencies }] of Object.entries(results)) {
  console.log(
    `  ${label.padEnd(5)} ${median(rates).toFixed(0)} opens/s (rounds ${rates.map((r) => r.toFixed(0)).join(', ')}), median open ${median(latencies).toFixed(2)} ms`,
  );
}
