import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '@ironflow/test-support';

/** A Verdaccio registry on 127.0.0.1, with an account allowed to publish. */
export interface Registry {
  readonly url: string;
  /** `.npmrc` lines that point at it and authenticate. */
  readonly npmrc: string;
  stop(): Promise<void>;
}

/**
 * Starts Verdaccio with a config in `workDir` and its storage in `storageDir`. Packages other than
 * `@ironflow/*` are proxied from `uplink` (the npm client's own registry); `@ironflow/*` is never
 * proxied and is wiped first, so it only holds what this run publishes.
 */
export async function startVerdaccio(options: {
  readonly bin: string;
  readonly workDir: string;
  readonly storageDir: string;
  readonly uplink: string;
}): Promise<Registry> {
  await rm(path.join(options.storageDir, '@ironflow'), { recursive: true, force: true });
  await mkdir(options.storageDir, { recursive: true });
  const config = path.join(options.workDir, 'verdaccio.yaml');
  await writeFile(
    config,
    [
      `storage: ${JSON.stringify(options.storageDir)}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(options.workDir, 'htpasswd'))}`,
      '    max_users: 10',
      'uplinks:',
      '  upstream:',
      `    url: ${JSON.stringify(options.uplink)}`,
      '    timeout: 60s',
      '    max_fails: 5',
      'packages:',
      "  '@ironflow/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: upstream',
      'log: { type: stdout, format: pretty, level: error }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child: ChildProcess = spawn(
    process.execPath,
    [options.bin, '--config', config, '--listen', `127.0.0.1:${port}`],
    { cwd: options.workDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${url}-/ping`).catch(() => null))?.ok !== true) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`Verdaccio did not answer on ${url}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  // The account that publishes (Verdaccio's htpasswd plugin creates it on first use).
  const response = await fetch(`${url}-/user/org.couchdb.user:ironflow`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ironflow', password: 'registry-test-password' }),
  });
  const { token } = (await response.json()) as { token?: string };
  if (!response.ok || !token) {
    await stop();
    throw new Error(`Verdaccio refused the test account: ${response.status}`);
  }
  const host = `//127.0.0.1:${port}/`;
  return { url, npmrc: `registry=${url}\n${host}:_authToken=${token}\n`, stop };
}
