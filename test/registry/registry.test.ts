import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './support/run.js';
import { type Registry, startVerdaccio } from './support/verdaccio.js';

// Publishes the packages for real (changesets, then `pnpm publish -r`) to a Verdaccio registry on
// 127.0.0.1, then installs @ironflow/engine and @ironflow/client from it with npm, pnpm and yarn in
// projects outside the workspace, uses them from ESM and CommonJS, typechecks a typed consumer with
// TypeScript 5.4, 5.9 and 7, and runs a consumer against the built server. Needs `pnpm run build`.
// Third-party packages come through Verdaccio (its storage is this run's own, so concurrent runs on one
// machine cannot disturb each other) from the npm client's registry; the package managers' own
// caches are kept in CACHE between runs (content-addressed, so a cached tarball is always the one the
// registry names). The @ironflow packages get a version unique to the run, so no cache can serve them.

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const CACHE = path.join(os.tmpdir(), 'ironflow-registry-cache');
const PUBLISHED = ['engine', 'store', 'auth', 'api', 'client'];
const TYPESCRIPTS = { '5.4': '5.4.5', '5.9': '5.9.3', '7': '7.0.2' } as const;
const YARN = '1.22.22';
const WORKER_TOKEN = 'dev-worker-token-change-me-in-production';

let work: string;
let registry: Registry;
let version: string;
let server: ChildProcess | undefined;
let serverUrl: string;
let accessToken: string;

/** The environment of every package-manager command: no workspace settings leak in. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    npm_config_cache: path.join(CACHE, 'npm'),
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** The workspace's package directories outside `packages/` (from pnpm-workspace.yaml: `dir` or `dir/*`). */
async function otherWorkspaceDirs(): Promise<string[]> {
  const manifest = await readFile(path.join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...manifest.matchAll(/^\s+-\s+['"]?([^'"\s]+)['"]?\s*$/gm)].map(
    (match) => match[1] as string,
  );
  const dirs: string[] = [];
  for (const glob of globs.filter((entry) => !entry.startsWith('packages/'))) {
    const parent = glob.endsWith('/*') ? glob.slice(0, -2) : null;
    const candidates =
      parent === null
        ? [glob]
        : (await readdir(path.join(root, parent), { withFileTypes: true }))
            .filter((entry) => entry.isDirectory())
            .map((entry) => `${parent}/${entry.name}`);
    for (const dir of candidates) {
      if (await readFile(path.join(root, dir, 'package.json')).catch(() => null)) dirs.push(dir);
    }
  }
  return dirs;
}

/** A copy of the workspace's publishable packages (built) and manifests, where changesets may write. */
async function copyWorkspace(target: string): Promise<void> {
  for (const file of ['package.json', 'LICENSE']) await cp(path.join(root, file), path.join(target, file));
  await cp(path.join(root, '.changeset'), path.join(target, '.changeset'), { recursive: true });
  await writeFile(
    path.join(target, 'pnpm-workspace.yaml'),
    'packages:\n  - packages/*\n  - apps/*\n  - tools/*\n',
  );
  for (const name of PUBLISHED) {
    await cp(path.join(root, 'packages', name), path.join(target, 'packages', name), {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}node_modules`) && !source.endsWith('.tsbuildinfo'),
    });
  }
  // Every other workspace package (the server, bench, tools): changesets may name any of them, and
  // `workspace:*` ranges point at them, so their manifests are needed, nothing more.
  for (const dir of await otherWorkspaceDirs()) {
    await mkdir(path.join(target, dir), { recursive: true });
    await cp(path.join(root, dir, 'package.json'), path.join(target, dir, 'package.json'));
  }
  // The changelog generator and pnpm resolve from here.
  await symlink(path.join(root, 'node_modules'), path.join(target, 'node_modules'));
}

async function startBuiltServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(root, 'apps/server/dist/main.js')], {
    cwd: work,
    env: { PATH: process.env.PATH ?? '', PORT: '0', IRONFLOW_ENV: 'development', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the built server did not start:\n${stderr}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', () => reject(new Error(`the built server exited:\n${stderr}`)));
  });
  return { child, url };
}

beforeAll(async () => {
  for (const name of PUBLISHED) {
    await readFile(path.join(root, 'packages', name, 'dist/index.js')).catch(() => {
      throw new Error(`packages/${name}/dist is missing: run \`pnpm run build\` first`);
    });
  }
  work = await mkdtemp(path.join(os.tmpdir(), 'ironflow-registry-'));
  await mkdir(CACHE, { recursive: true });
  const uplink = (await run('npm', ['config', 'get', 'registry'], { cwd: work, env: env() })).stdout.trim();
  registry = await startVerdaccio({
    bin: path.join(root, 'node_modules/verdaccio/bin/verdaccio'),
    workDir: work,
    storageDir: path.join(work, 'verdaccio-storage'),
    uplink,
  });

  // Release as a maintainer would: `changeset version` consumes the changesets, bumps the fixed group
  // and writes each CHANGELOG.md; then the version gets a unique prerelease suffix, so this run's
  // tarballs can never be confused with a cached earlier run's.
  const release = path.join(work, 'release');
  await copyWorkspace(release);
  await run(process.execPath, [path.join(root, 'node_modules/@changesets/cli/bin.js'), 'version'], {
    cwd: release,
    env: env(),
  });
  const released = JSON.parse(await readFile(path.join(release, 'packages/client/package.json'), 'utf8'));
  version = `${released.version}-registry.${Date.now()}`;
  for (const name of PUBLISHED) {
    const file = path.join(release, 'packages', name, 'package.json');
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    // `workspace:*` becomes the exact version, as `pnpm publish` writes it from an installed
    // workspace (this copy has no node_modules of its own); dev dependencies are not published.
    const dependencies = Object.fromEntries(
      Object.entries(manifest.dependencies ?? {}).map(([dep, range]) => [
        dep,
        range === 'workspace:*' ? version : range,
      ]),
    );
    const { devDependencies: _dev, ...rest } = manifest;
    await writeFile(file, `${JSON.stringify({ ...rest, version, dependencies }, null, 2)}\n`);
  }
  await writeFile(path.join(release, '.npmrc'), registry.npmrc);
  await run('pnpm', ['publish', '-r', '--no-git-checks', '--tag', 'registry', '--registry', registry.url], {
    cwd: release,
    env: env(),
  });

  const started = await startBuiltServer();
  server = started.child;
  serverUrl = started.url;
  accessToken = (
    await run(process.execPath, [path.join(root, 'apps/server/dist/cli.js'), 'token', '--user', 'alice'], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '' },
    })
  ).stdout.trim();
}, 240_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A fresh project outside the workspace that depends on this run's @ironflow packages. */
async function consumerProject(
  name: string,
  extraDependencies: Record<string, string> = {},
): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir);
  for (const file of ['consumer.mjs', 'require.cjs', 'typed.ts', 'tsconfig.json']) {
    await cp(path.join(here, 'consumer', file), path.join(dir, file));
  }
  const manifest = JSON.parse(await readFile(path.join(here, 'consumer/package.json'), 'utf8'));
  manifest.dependencies = {
    ...manifest.dependencies,
    '@ironflow/client': version,
    '@ironflow/engine': version,
  };
  manifest.devDependencies = extraDependencies;
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(path.join(dir, '.npmrc'), `registry=${registry.url}\n`);
  await writeFile(path.join(dir, '.yarnrc'), `registry "${registry.url}"\n`);
  return dir;
}

async function useInstalled(dir: string): Promise<void> {
  const esm = await run(process.execPath, ['consumer.mjs', serverUrl, accessToken, WORKER_TOKEN], {
    cwd: dir,
    timeoutMs: 30_000,
  });
  expect(JSON.parse(esm.stdout)).toEqual({ kinds: true, type: 'run_failed', error: 'exit 1' });
  const cjs = await run(process.execPath, ['require.cjs'], { cwd: dir, timeoutMs: 30_000 });
  expect(JSON.parse(cjs.stdout)).toEqual({
    validated: true,
    ingest: 'function',
    url: 'http://h/api/v1/events?types=run_failed',
  });
  // Installed from the registry: this run's version, never a link into the workspace.
  const installed = JSON.parse(
    await readFile(path.join(dir, 'node_modules/@ironflow/client/package.json'), 'utf8'),
  );
  expect(installed.version).toBe(version);
  expect(installed.repository.url).toBe('git+https://github.com/ironflow/ironflow-streaming.git');
}

describe('published to a registry and installed from it', () => {
  it('npm: installs, imports (ESM and require), runs against the built server, typechecks with TypeScript 5.4, 5.9 and 7', async () => {
    const typescripts = Object.fromEntries(
      Object.entries(TYPESCRIPTS).map(([label, exact]) => [`typescript-${label}`, `npm:typescript@${exact}`]),
    );
    const dir = await consumerProject('npm-consumer', typescripts);
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env: env() });
    await useInstalled(dir);
    const changelog = await readFile(path.join(dir, 'node_modules/@ironflow/client/CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/^# @ironflow\/client\n\n## \d+\.\d+\.\d+\n/);
    expect(await readFile(path.join(dir, 'node_modules/@ironflow/engine/LICENSE'), 'utf8')).toContain(
      'MIT License',
    );
    for (const label of Object.keys(TYPESCRIPTS)) {
      const tsc = path.join(dir, 'node_modules', `typescript-${label}`, 'bin/tsc');
      const checked = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
        cwd: dir,
        timeoutMs: 60_000,
      }).catch((error: Error) => ({ stdout: error.message, stderr: '' }));
      expect({ typescript: label, output: checked.stdout.trim() }).toEqual({ typescript: label, output: '' });
    }
  }, 240_000);

  it('pnpm: installs, imports (ESM and require), runs against the built server', async () => {
    const dir = await consumerProject('pnpm-consumer');
    await run(
      'pnpm',
      [
        'install',
        '--store-dir',
        path.join(CACHE, 'pnpm-store'),
        '--config.minimum-release-age=0',
        '--reporter=silent',
      ],
      { cwd: dir, env: env() },
    );
    await useInstalled(dir);
  }, 180_000);

  it('yarn: installs, imports (ESM and require), runs against the built server', async () => {
    // Yarn itself comes from the registry too (no corepack), through the npm cache.
    const yarnHome = path.join(work, `yarn-${YARN}`);
    const yarn = path.join(yarnHome, 'node_modules/yarn/bin/yarn.js');
    await mkdir(yarnHome, { recursive: true });
    await run(
      'npm',
      [
        'install',
        '--prefix',
        yarnHome,
        '--no-audit',
        '--no-fund',
        `yarn@${YARN}`,
        '--registry',
        registry.url,
      ],
      { cwd: yarnHome, env: env() },
    );
    const dir = await consumerProject('yarn-consumer');
    await run(
      process.execPath,
      [
        yarn,
        'install',
        '--non-interactive',
        '--no-lockfile',
        '--registry',
        registry.url,
        '--cache-folder',
        path.join(CACHE, 'yarn-cache'),
      ],
      { cwd: dir, env: env() },
    );
    await useInstalled(dir);
  }, 180_000);
});
