import { type ChildProcess, spawn } from 'node:child_process';
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
