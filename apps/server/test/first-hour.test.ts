import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { adminUrl, freshDatabase, waitFor, within } from '@ironflow/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, repoRoot, runCli, type ServerProcess, serversKilledAfterEach } from './support/built.js';

// An operator's first hour with the built server and CLI: what they see when something is wrong.
const PRODUCTION = {
  IRONFLOW_ENV: 'production',
  JWT_SECRET: 'j'.repeat(40),
  WORKER_TOKEN: 'w'.repeat(40),
  PORT: '0',
};

const start = serversKilledAfterEach();

const exitOf = (server: ServerProcess) => within(15_000, 'the process to exit', server.exited);
const fatalOf = (server: ServerProcess) =>
  server.stdoutLines.map((line) => JSON.parse(line)).find((line) => line.level === 60);
/** stderr's lines, without the empty one after the last newline. */
const stderrLines = (server: ServerProcess) => server.stderr().split('\n').filter(Boolean);

/** The `ironflow listening` log line, once the human line on stderr (written just after) is in too. */
async function listening(server: ServerProcess): Promise<Record<string, unknown>> {
  const line = await within(
    15_000,
    `"ironflow listening" (stderr: ${server.stderr()})`,
    server.logLine((l) => l.msg === 'ironflow listening'),
  );
  await waitFor(
    () => server.stderr().includes('ironflow: listening on'),
    'the listening line on stderr',
    15_000,
  );
  return line;
}

describe('start-up: what the server says', () => {
  it('refuses production without DATABASE_URL (exit 2), naming the fix and the explicit opt-out', async () => {
    const server = start(PRODUCTION);
    expect(await exitOf(server)).toEqual({ code: 2, signal: null });
    expect(server.stderr()).toContain('invalid configuration (1 problem)');
    expect(server.stderr()).toContain('- DATABASE_URL: is required in production');
    expect(server.stderr()).toContain('IRONFLOW_ALLOW_MEMORY_STORE=true');
    expect(server.stdoutLines).toEqual([]);
  });

  it('runs production on the in-memory store only when told to, and warns on stderr and in the log', async () => {
    const server = start({ ...PRODUCTION, IRONFLOW_ALLOW_MEMORY_STORE: 'true' });
    const line = await listening(server);
    expect(line).toMatchObject({ environment: 'production', store: 'memory' });
    expect(server.stderr()).toMatch(/WARNING: production on the in-memory store .* lost at the next restart/);
    expect(await server.logLine((l) => l.level === 40)).toMatchObject({
      msg: expect.stringContaining('in-memory store'),
    });
  });

  it('names the URL, the mode and the store when listening, in the log line and on stderr', async () => {
    const server = start({ PORT: '0' });
    const line = await listening(server);
    expect(line).toMatchObject({ environment: 'development', store: 'memory' });
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stderrLines(server)[0]).toBe(
      `ironflow: listening on ${line.url} (development mode, memory store)`,
    );
  });

  it('lists every configuration problem on stderr and exits 2 without starting', async () => {
    const server = start({ PORT: 'nope', LOG_LEVEL: 'loud', IRONFLOW_ENV: 'production' });
    expect(await exitOf(server)).toEqual({ code: 2, signal: null });
    const stderr = server.stderr();
    expect(stderr).toContain('invalid configuration (5 problems)');
    for (const name of ['PORT', 'JWT_SECRET', 'WORKER_TOKEN', 'LOG_LEVEL', 'DATABASE_URL'])
      expect(stderr).toContain(`- ${name}: `);
    expect(server.stdoutLines).toEqual([]);
  });

  it('says in one stderr line that the port is taken and how to fix it; exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const server = start({ PORT: String(port) });
      expect(await exitOf(server)).toEqual({ code: 1, signal: null });
      expect(fatalOf(server)).toMatchObject({ msg: 'ironflow failed to start', err: { code: 'EADDRINUSE' } });
      expect(stderrLines(server)).toEqual([
        `ironflow: failed to start: cannot listen on 127.0.0.1:${port}: the port is in use (another ironflow or another program holds it); stop that process, or set PORT to a free port (PORT=0 lets the system pick one)`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('says in one stderr line that nothing answers at DATABASE_URL, without its password; exit 1', async () => {
    const server = start({ PORT: '0', DATABASE_URL: 'postgres://ironflow:s3cret@127.0.0.1:1/ironflow' });
    expect(await exitOf(server)).toEqual({ code: 1, signal: null });
    expect(fatalOf(server)).toMatchObject({ msg: 'ironflow failed to start', err: { code: 'ECONNREFUSED' } });
    expect(stderrLines(server)).toEqual([
      'ironflow: failed to start: cannot open the PostgreSQL store: nothing accepts connections at 127.0.0.1:1; start PostgreSQL there, or fix the host and port in DATABASE_URL',
    ]);
    expect(server.stderr() + server.stdoutLines.join('\n')).not.toContain('s3cret');
  });
});

describe.skipIf(adminUrl === '')('start-up on PostgreSQL', () => {
  const database = freshDatabase('ironflow_first_hour');
  beforeAll(() => database.create());
  afterAll(() => database.drop());

  it('says which database is missing and how to create it; exit 1', async () => {
    const missing = new URL(database.url);
    missing.pathname = '/ironflow_no_such_database';
    const server = start({ PORT: '0', DATABASE_URL: missing.toString() });
    expect(await exitOf(server)).toEqual({ code: 1, signal: null });
    expect(fatalOf(server)).toMatchObject({ err: { code: '3D000' } });
    const [line, ...rest] = stderrLines(server);
    expect(rest).toEqual([]);
    expect(line).toMatch(
      /^ironflow: failed to start: cannot open the PostgreSQL store: database "ironflow_no_such_database" does not exist on [^ ]+; create it \(`createdb .*ironflow_no_such_database`\) or fix the database name in DATABASE_URL$/,
    );
  });

  it('names the postgresql store when listening', async () => {
    const server = start({ PORT: '0', DATABASE_URL: database.url });
    expect(await listening(server)).toMatchObject({ store: 'postgresql', environment: 'development' });
    expect(stderrLines(server)[0]).toMatch(
      /^ironflow: listening on http:\S+ \(development mode, postgresql store\)$/,
    );
  });
});

describe('the CLI: one line and a pointer to help', () => {
  it.each([
    [['sreve'], 'unknown command: sreve (did you mean `ironflow serve`?)'],
    [['tokne'], 'unknown command: tokne (did you mean `ironflow token`?)'],
    [['dem'], 'unknown command: dem (did you mean `ironflow demo`?)'],
    [['frobnicate'], 'unknown command: frobnicate'],
    [['token', '--user', 'a', '--amdin'], "token: Unknown option '--amdin'"],
  ])('%j: exit 2, the problem and `ironflow help` on stderr, no usage dump', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(new RegExp(`^ironflow: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)),
      'Run `ironflow help` for the commands and their options.',
    ]);
  });

  it('suggests the option a near miss meant', async () => {
    const { stderr } = await runCli(['token', '--user', 'a', '--amdin']);
    expect(stderr).toContain('did you mean --admin?');
  });
});

describe('npm start', () => {
  it('starts the built server from the repository root', async () => {
    // npm starts node through a shell: the test owns the whole process group and ends it.
    const child = spawn('npm', ['start'], {
      cwd: repoRoot,
      env: cleanEnv({ PORT: '0', HOME: process.env.HOME ?? '/tmp' }),
      detached: true,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.resume();
    const exited = once(child, 'close');
    try {
      await within(
        20_000,
        `npm start to print the listening line (stderr: ${stderr})`,
        new Promise<void>((resolve) => {
          const check = () => {
            if (/ironflow: listening on http:\/\/127\.0\.0\.1:\d+/.test(stderr)) resolve();
          };
          child.stderr.on('data', check);
          check();
        }),
      );
      const url = /listening on (\S+)/.exec(stderr)?.[1] as string;
      expect((await fetch(`${url}/api/v1/health-check`)).status).toBe(200);
    } finally {
      process.kill(-(child.pid as number), 'SIGTERM');
      await within(15_000, 'npm start to stop', exited);
    }
  });
});
