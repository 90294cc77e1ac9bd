import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { within } from '@ironflow/test-support';

/** The repository root: the nearest folder up with pnpm-workspace.yaml (works from a bundle too). */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'pnpm-workspace.yaml'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (pnpm-workspace.yaml)');
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot();
export const mainPath = path.join(repoRoot, 'apps/server/dist/main.js');
const harnessPath = path.join(repoRoot, 'test/reliability/support/server-harness.mjs');

export const JWT_SECRET = 'reliability-secret-0123456789abcdef0123456789';
export const WORKER_TOKEN = 'reliability-worker-token-0123456789abcdef';

export interface Memory {
  readonly heapUsed: number;
  readonly rss: number;
  readonly external: number;
}

/** The built server in a child process that can report its memory after a full GC. */
export interface HarnessedServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** Heap and RSS after collecting garbage until the heap stops shrinking. */
  memory(): Promise<Memory>;
  /** Graceful close through the server's own `close()`, then the child exits. */
  close(): Promise<void>;
  readonly stderr: () => string;
}

/** `nodeArgs` go to node before the harness, e.g. `--max-old-space-size=160` to play a small heap. */
export async function startHarnessedServer(
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<HarnessedServer> {
  const child = spawn(process.execPath, ['--expose-gc', ...nodeArgs, harnessPath], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LOG_LEVEL: 'silent',
      JWT_SECRET,
      WORKER_TOKEN,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let nextId = 1;
  const pending = new Map<number, (message: Record<string, unknown>) => void>();
  const ready = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`harness exited with ${code} before ready: ${stderr}`)));
    child.on('message', (message: Record<string, unknown>) => {
      if (message.op === 'ready') resolve(message.url as string);
      const waiter = pending.get(message.id as number);
      if (waiter) {
        pending.delete(message.id as number);
        waiter(message);
      }
    });
  });
  const request = (op: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ op, id });
    });
  const url = await within(20_000, 'the harnessed server to listen', ready);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    child,
    stderr: () => stderr,
    memory: async () => (await within(30_000, 'a memory report', request('memory'))) as unknown as Memory,
    close: async () => {
      if (child.exitCode !== null) return;
      await within(15_000, 'the harnessed server to close', request('close'));
      await within(5_000, 'the harness to exit', exited);
    },
  };
}
