import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const GC_HOOK = fileURLToPath(new URL('../servers/gc-on-signal.js', import.meta.url));

/** A free TCP port on 127.0.0.1 (for servers that only take PORT from the environment). */
export async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts `node --expose-gc --import gc-on-signal.js <script>` in its own process, so its CPU and
 * RSS are its own, and resolves once `ready(child)` resolves with the port (bounded: 30 s).
 */
export async function startNodeServer(script, env, ready, nodeArgs = [], scriptArgs = []) {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', GC_HOOK, ...nodeArgs, script, ...scriptArgs],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${script} exited with ${code} before it was ready: ${stderr}`);
  });
  const timeout = sleep(30_000).then(() => {
    throw new Error(`${script} not ready after 30 s: ${stderr}`);
  });
  const port = await Promise.race([ready(child), exited, timeout]);
  exited.catch(() => {});
  timeout.catch(() => {});
  return {
    child,
    port,
    pids: () => [child.pid],
    async gc() {
      child.kill('SIGUSR2');
      await sleep(500);
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const gone = await Promise.race([once(child, 'exit').then(() => true), sleep(5_000).then(() => false)]);
      if (!gone) child.kill('SIGKILL');
    },
  };
}

/** Resolves with the port a peer prints as `LISTENING <port>`. */
export function listeningLine(child) {
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', function onData(chunk) {
      out += chunk;
      const match = /LISTENING (\d+)/.exec(out);
      if (match) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(Number(match[1]));
      }
    });
  });
}
