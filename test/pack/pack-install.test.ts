import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Packs every publishable package as it would be published, installs the tarballs with npm in a fresh
// project outside the workspace, and uses them from Node and from a browser bundle. Needs the build
// (`pnpm run build`; scripts/test.sh builds first) and the npm registry for third-party dependencies.

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const root = path.resolve(here, '../..');
const PACKAGES = ['engine', 'store', 'auth', 'api', 'client'] as const;

let project: string;
const tarballs = new Map<string, string>();

beforeAll(async () => {
  for (const name of PACKAGES) {
    if (!existsSync(path.join(root, 'packages', name, 'dist/index.js'))) {
      throw new Error(`packages/${name}/dist is missing: run \`pnpm run build\` first`);
    }
  }
  project = await mkdtemp(path.join(os.tmpdir(), 'ironflow-pack-'));
  const packed = path.join(project, 'packed');
  // `pnpm pack` turns `workspace:*` into the packages' versions, as `pnpm publish` does.
  await Promise.all(
    PACKAGES.map(async (name) => {
      const { stdout } = await run('pnpm', ['pack', '--pack-destination', packed, '--json'], {
        cwd: path.join(root, 'packages', name),
      });
      tarballs.set(name, (JSON.parse(stdout) as { filename: string }).filename);
    }),
  );
  // npm resolves @ironflow/* between the packages to these tarballs, never to the registry.
  const local = Object.fromEntries(
    PACKAGES.map((name) => [`@ironflow/${name}`, `file:${tarballs.get(name)}`]),
  );
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({
      name: 'ironflow-pack-consumer',
      private: true,
      type: 'module',
      dependencies: local,
      overrides: local,
    }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: project,
    timeout: 150_000,
  });
  for (const file of ['consumer.mjs', 'require-consumer.cjs', 'browser-entry.mjs'])
    await copyFile(path.join(here, file), path.join(project, file));
}, 170_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it.each(PACKAGES)('@ironflow/%s passes publint (strict) as installed from its tarball', async (name) => {
    // The installed directory holds exactly the packed files, so publint needs no packing of its own.
    const { messages, pkg } = await publint({
      pkgDir: path.join(project, 'node_modules/@ironflow', name),
      pack: false,
      strict: true,
    });
    expect(messages.map((message) => formatMessage(message, pkg))).toEqual([]);
  });

  it('install from the tarballs and work from Node ESM outside the workspace', async () => {
    const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: project, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({
      validated: true,
      jsonSchemaKinds: 20,
      webhookKinds: ['run_status_changed', 'step_failed'],
      appended: 'run_created',
      verified: 'alice',
      password: true,
      health: 200,
      asyncapi: '3.0.0',
      streamUrl: '/api/v1/events?types=run_failed',
      packageJson: '@ironflow/engine',
      deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  });

  it('load with require() from CommonJS (require(esm), Node >= 20.19)', async () => {
    const { stdout } = await run(process.execPath, ['require-consumer.cjs'], {
      cwd: project,
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({ validated: true, streamUrl: '/api/v1/events?types=run_failed' });
  });

  it('ship no tests, sources or configuration', async () => {
    for (const name of PACKAGES) {
      const { stdout } = await run('tar', ['-tzf', tarballs.get(name) as string]);
      const files = stdout.trim().split('\n');
      expect(files).toContain('package/package.json');
      expect(files).toContain('package/README.md');
      expect(files).toContain('package/LICENSE');
      expect(files).toContain('package/CHANGELOG.md');
      expect(
        files.filter(
          (file) => !/^package\/(dist\/|README\.md$|CHANGELOG\.md$|package\.json$|LICENSE)/.test(file),
        ),
      ).toEqual([]);
    }
  });

  it('@ironflow/engine and @ironflow/client bundle for the browser with no Node built-ins', async () => {
    const result = await build({
      absWorkingDir: project,
      entryPoints: ['browser-entry.mjs'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toContain('x-signature-256');
    expect(code).toContain('idempotency-key');
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });
});
