// Runs the built server (apps/server/dist) in a child process started with --expose-gc, so a test
// can ask it, over IPC, for its memory after a full garbage collection. Test-only: the server itself
// has no debug hooks (the crash injection below is the harness's own). Configuration comes from
// the environment exactly as for `node dist/main.js`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Crash injection for the exactly-once test, here and not in the server: with
// HARNESS_SIGKILL_AT=after-commit the process SIGKILLs itself once PostgreSQL has committed an
// append together with its idempotent answer, before the answer is written to the client; with
// before-commit, instead of sending that COMMIT. pg's Client is patched, the same class the
// store uses (one copy of pg in the workspace).
const crashAt = process.env.HARNESS_SIGKILL_AT;
if (crashAt === 'after-commit' || crashAt === 'before-commit') {
  const { Client } = createRequire(new URL('../../../packages/store/package.json', import.meta.url))('pg');
  const query = Client.prototype.query;
  Client.prototype.query = function patchedQuery(config, ...rest) {
    const text = typeof config === 'string' ? config : (config?.text ?? '');
    if (text === 'BEGIN') this.harnessAnswered = false;
    else if (/^UPDATE\s.*ironflow_idempotency_keys/s.test(text)) this.harnessAnswered = true;
    const answeredCommit = text === 'COMMIT' && this.harnessAnswered === true;
    if (answeredCommit && crashAt === 'before-commit') process.kill(process.pid, 'SIGKILL');
    const result = query.call(this, config, ...rest);
    if (!answeredCommit) return result;
    return result.then(() => {
      process.kill(process.pid, 'SIGKILL');
      return new Promise(() => {});
    });
  };
}

// The built modules, by URL: this harness stands where `apps/server/dist/main.js` stands.
const built = (name) => import(new URL(`../../../apps/server/dist/${name}.js`, import.meta.url).href);
const { loadConfig } = await built('config');
const { createLogger } = await built('logger');
const { startServer } = await built('server');

const config = loadConfig(process.env);
const server = await startServer(config, createLogger(config.logLevel));

function vmRssBytes() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? process.memoryUsage().rss : Number(kb) * 1024;
}

/** Collects until the heap stops shrinking (at most 6 passes), so weak and finalised objects go too. */
async function collect() {
  let previous = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 6; pass++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    const used = process.memoryUsage().heapUsed;
    if (used >= previous * 0.995) break;
    previous = used;
  }
}

process.on('message', async (message) => {
  if (message.op === 'memory') {
    await collect();
    const usage = process.memoryUsage();
    process.send({ id: message.id, heapUsed: usage.heapUsed, rss: vmRssBytes(), external: usage.external });
  } else if (message.op === 'close') {
    await server.close();
    process.send({ id: message.id, closed: true }, () => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ op: 'ready', url: server.url, pid: process.pid });
