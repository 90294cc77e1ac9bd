import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort, waitFor, within } from '@ironflow/test-support';

/** Debian's nginx (package nginx-light; `.ci/run` installs it). */
export const NGINX = '/usr/sbin/nginx';

/** Fails with the install hint when nginx is missing. */
export function assertNginx(): void {
  if (!existsSync(NGINX)) {
    throw new Error(
      `the nginx test needs nginx at ${NGINX}; install it with \`apt-get update && apt-get install -y nginx-light\` (.ci/run does this)`,
    );
  }
}

/** Fills the template's `${IRONFLOW_*}` placeholders, as `envsubst` with that list does. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{(IRONFLOW_[A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for \${${name}} in the nginx template`);
    return value;
  });
}

export interface RunningNginx {
  readonly port: number;
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  readonly accessLog: () => Promise<string>;
  /** Fast shutdown (SIGTERM), bounded; SIGKILL if it does not go. */
  stop(): Promise<void>;
}

/**
 * Starts nginx on a private prefix in `dir` (own pid file, logs and temp directories, nothing under
 * /etc or /var), as one foreground process (`master_process off`, so the test owns every process
 * nginx has), serving `site` (the `http`-level configuration, its port placeholder filled by
 * `siteFor(port)`). nginx cannot listen on port 0, so a free port is picked and the start retried
 * on another one if that port was taken in between.
 */
export async function startNginx(dir: string, siteFor: (port: number) => string): Promise<RunningNginx> {
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    await mkdir(path.join(dir, 'temp', sub), { recursive: true });
  }
  const accessLog = path.join(dir, 'access.log');
  const errorLog = path.join(dir, 'error.log');
  const pidFile = path.join(dir, 'nginx.pid');
  const main = path.join(dir, 'nginx.conf');
  let lastError = '';
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    const port = await freePort();
    await writeFile(path.join(dir, 'ironflow.conf'), siteFor(port));
    await writeFile(
      main,
      [
        'daemon off;',
        'master_process off;',
        `pid ${pidFile};`,
        `error_log ${errorLog} info;`,
        'events { worker_connections 1024; }',
        'http {',
        `  client_body_temp_path ${dir}/temp/client_body;`,
        `  proxy_temp_path ${dir}/temp/proxy;`,
        `  fastcgi_temp_path ${dir}/temp/fastcgi;`,
        `  uwsgi_temp_path ${dir}/temp/uwsgi;`,
        `  scgi_temp_path ${dir}/temp/scgi;`,
        '  include ironflow.conf;',
        // The site file defines the `ironflow` format; the server block inherits this log.
        `  access_log ${accessLog} ironflow;`,
        '}',
        '',
      ].join('\n'),
    );
    const child = spawn(NGINX, ['-p', `${dir}/`, '-c', main, '-e', errorLog], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    // nginx writes its pid file once its sockets listen.
    await waitFor(() => gone || existsSync(pidFile), 'nginx to listen or exit', 15_000);
    if (!gone) return running(child, exited, port, accessLog);
    const log = existsSync(errorLog) ? await readFile(errorLog, 'utf8') : '';
    lastError = `${stderr}${log}`;
    if (!/Address already in use/.test(lastError)) break;
  }
  throw new Error(`nginx did not start:\n${lastError}`);
}

function running(
  child: ChildProcess,
  exited: Promise<number | null>,
  port: number,
  accessLog: string,
): RunningNginx {
  return {
    port,
    origin: `https://127.0.0.1:${port}`,
    accessLog: () => (existsSync(accessLog) ? readFile(accessLog, 'utf8') : Promise.resolve('')),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      try {
        await within(10_000, 'nginx to stop', exited);
      } catch {
        child.kill('SIGKILL');
        await within(5_000, 'nginx to die', exited);
      }
    },
  };
}
