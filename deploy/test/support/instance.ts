import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { within } from '@ironflow/test-support';

// The built server (`pnpm run build` first), started the way an operator starts it.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const mainPath = fileURLToPath(new URL('../../../apps/server/dist/main.js', import.meta.url));

export interface Instance {
  readonly child: ChildProcess;
  /** `127.0.0.1:<port>`, for an nginx `server` line. */
  readonly address: string;
  readonly url: string;
  readonly exited: Promise<unknown>;
  stderr(): string;
}

/** Starts one server process with exactly `env` (plus PATH) and waits for its listening line. */
export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [mainPath], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const listening = new Promise<{ url: string; port: number }>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (stdout + chunk).split('\n');
      stdout = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"ironflow listening"')) continue;
        const { url, port } = JSON.parse(line) as { url: string; port: number };
        resolve({ url, port });
      }
    });
  });
  const { url, port } = await within(20_000, `an instance to listen (stderr: ${stderr})`, listening);
  return { child, address: `127.0.0.1:${port}`, url, exited, stderr: () => stderr };
}

/** Two production instances on `databaseUrl` behind a proxy at 127.0.0.1, and their worker token. */
export async function startInstancePair(
  databaseUrl: string,
): Promise<{ instances: [Instance, Instance]; workerToken: string }> {
  const workerToken = randomBytes(32).toString('base64');
  const env = {
    IRONFLOW_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('base64'),
    WORKER_TOKEN: workerToken,
    ALLOW_SIGN_UP: 'true',
    // The proxy connects from here; its X-Forwarded-For then names the browser.
    TRUSTED_PROXIES: '127.0.0.1',
  };
  // Started together: they migrate the fresh database at the same time.
  const [first, second] = await Promise.all([startInstance(env), startInstance(env)]);
  return { instances: [first, second], workerToken };
}

/** SIGKILLs what is still running and waits for every instance to be gone. */
export async function stopInstances(instances: readonly Instance[]): Promise<void> {
  for (const instance of instances) {
    if (instance.child.exitCode === null && instance.child.signalCode === null)
      instance.child.kill('SIGKILL');
  }
  await Promise.all(instances.map((instance) => within(10_000, 'an instance to exit', instance.exited)));
}
