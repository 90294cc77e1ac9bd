import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort, waitFor, within } from '@ironflow/test-support';

/** Debian's caddy (package caddy; `.ci/run` installs it). */
export const CADDY = '/usr/bin/caddy';

/** Fails with the install hint when Caddy is missing. */
export function assertCaddy(): void {
  if (!existsSync(CADDY)) {
    throw new Error(
      `the Caddy test needs caddy at ${CADDY}; install it with \`apt-get update && apt-get install -y caddy\` (.ci/run does this)`,
    );
  }
}

export interface RunningCaddy {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** The JSON access log, one object per line. */
  readonly accessLog: () => Promise<Record<string, unknown>[]>;
  /** SIGTERM, bounded; SIGKILL if it does not go. */
  stop(): Promise<void>;
}

/**
 * Runs `caddy run` on `site` (a site block read with `{$VAR}` placeholders from `env`) with
 * everything private to `dir`: no admin endpoint, storage and HOME in `dir`, no automatic HTTPS
 * (the test brings its certificate), only 127.0.0.1, HTTP/1.1 and HTTP/2. Caddy's port comes from
 * the site address, so a free one is picked and the start retried if it was taken meanwhile.
 */
export async function startCaddy(
  dir: string,
  site: string,
  env: (port: number) => Record<string, string>,
): Promise<RunningCaddy> {
  const caddyfile = path.join(dir, 'Caddyfile');
  const pidFile = path.join(dir, 'caddy.pid');
  const accessLog = path.join(dir, 'caddy-access.log');
  await writeFile(
    caddyfile,
    [
      '{',
      '\tadmin off',
      '\tauto_https off',
      '\tdefault_bind 127.0.0.1',
      // Browsers send no SNI for an IP address; this picks the certificate anyway.
      '\tdefault_sni 127.0.0.1',
      `\tstorage file_system ${path.join(dir, 'caddy-data')}`,
      '\tservers {',
      '\t\tprotocols h1 h2',
      '\t}',
      '}',
      `import ${site}`,
      '',
    ].join('\n'),
  );
  let lastError = '';
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const port = await freePort();
    const child = spawn(
      CADDY,
      ['run', '--config', caddyfile, '--adapter', 'caddyfile', '--pidfile', pidFile],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          XDG_DATA_HOME: dir,
          XDG_CONFIG_HOME: dir,
          IRONFLOW_ACCESS_LOG: accessLog,
          ...env(port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const collect = (chunk: string) => {
      output += chunk;
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    // `caddy run` writes its pid file once the configuration is running (sockets listening).
    await waitFor(() => gone || existsSync(pidFile), 'caddy to listen or exit', 15_000);
    if (!gone) {
      return {
        origin: `https://127.0.0.1:${port}`,
        accessLog: async () =>
          existsSync(accessLog)
            ? (await readFile(accessLog, 'utf8'))
                .split('\n')
                .filter(Boolean)
                .map((line) => JSON.parse(line) as Record<string, unknown>)
            : [],
        async stop() {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          try {
            await within(10_000, 'caddy to stop', exited);
          } catch {
            child.kill('SIGKILL');
            await within(5_000, 'caddy to die', exited);
          }
        },
      };
    }
    lastError = output;
    if (!/address already in use/i.test(output)) break;
  }
  throw new Error(`caddy did not start:\n${lastError}`);
}
