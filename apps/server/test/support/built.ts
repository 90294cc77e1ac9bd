import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

// These tests run the built program (`pnpm run build` first), the way users start it.
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const mainPath = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A clean environment, so the caller's shell (IRONFLOW_ENV, PORT…) cannot leak in. */
export function cleanEnv(vars: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', ...vars };
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI to completion (bounded by `timeout`). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { cwd: repoRoot, env: cleanEnv(env), timeout: 15_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A spawned server process with its output collected as it arrives. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly stdoutLines: string[];
  stderr(): string;
  /** Resolves with the first JSON log line for which `match` is true. */
  logLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnServer(
  env: Record<string, string>,
  entry = mainPath,
  args: string[] = [],
): ServerProcess {
  const child = spawn(process.execPath, [entry, ...args], { cwd: repoRoot, env: cleanEnv(env) });
  const stdoutLines: string[] = [];
  const waiters: {
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
  let stderr = '';
  let partial = '';
  const parsed: Record<string, unknown>[] = [];

  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines) {
      stdoutLines.push(text);
      const line = JSON.parse(text) as Record<string, unknown>;
      parsed.push(line);
      for (const waiter of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': it fires once stdout and stderr are drained, so the last log lines are in.
    child.on('close', (code, signal) => resolve({ code, signal }));
  });

  return {
    child,
    stdoutLines,
    stderr: () => stderr,
    exited,
    logLine(match) {
      const seen = parsed.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/**
 * Registers, in the calling test file, the killing after each test of every server the returned
 * function spawned (it takes `spawnServer`'s arguments): no test leaves a process behind, even
 * when it fails before stopping its own.
 */
export function serversKilledAfterEach(): typeof spawnServer {
  const running: ServerProcess[] = [];
  afterEach(() => {
    for (const server of running.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  return (...args) => {
    const server = spawnServer(...args);
    running.push(server);
    return server;
  };
}
