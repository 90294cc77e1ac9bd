import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

const testFiles = [
  'packages/*/test/**/*.test.ts',
  'apps/*/test/**/*.test.ts',
  'tools/*/test/**/*.test.ts',
  'deploy/test/**/*.test.ts',
  'test/**/*.test.ts',
];
// A test that compares latencies under its own load with latencies at rest (`*.alone.test.ts`)
// measures nothing while other test files load the same two cores: those run after all the
// others, one file at a time.
const aloneFiles = testFiles.map((glob) => glob.replace(/\*\.test\.ts$/, '*.alone.test.ts'));

export default defineConfig({
  resolve: {
    // Tests run against each package's source, so `pnpm test` needs no build of the libraries.
    alias: [
      { find: /^@ironflow\/(engine|store|auth|api|client)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: testFiles,
          exclude: [...configDefaults.exclude, ...aloneFiles],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: aloneFiles, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
