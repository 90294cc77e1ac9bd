// Builds the live event page into dist/public: the TypeScript bundle and the stylesheet with
// content-hashed names (served as immutable), index.html pointing at them (revalidated on every
// load), and gzip/brotli copies that @koa/send serves to clients that accept them.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';

const web = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(web, '..', 'dist', 'public');
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: path.join(web, 'src', 'main.ts'), styles: path.join(web, 'styles.css') },
  outdir: out,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
  metafile: true,
  logLevel: 'warning',
});

// The hashed file each entry became, e.g. { app: 'app-3JX2.js', styles: 'styles-9AB1.css' }.
const built = {};
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  if (!output.entryPoint) continue;
  const name = path.basename(output.entryPoint).replace(/\.(ts|css)$/, '');
  built[name === 'main' ? 'app' : name] = path.basename(file);
}
if (!built.app || !built.styles) throw new Error(`build-web: missing outputs in ${JSON.stringify(built)}`);

const template = await readFile(path.join(web, 'index.html'), 'utf8');
const html = template
  .replace('src="/app.js"', `src="/${built.app}"`)
  .replace('href="/styles.css"', `href="/${built.styles}"`);
if (html.includes('"/app.js"') || html.includes('"/styles.css"'))
  throw new Error('build-web: index.html was not rewritten');
await writeFile(path.join(out, 'index.html'), html);
await writeFile(path.join(out, 'favicon.svg'), await readFile(path.join(web, 'favicon.svg')));

for (const name of ['index.html', 'favicon.svg', built.app, built.styles]) {
  const body = await readFile(path.join(out, name));
  await writeFile(path.join(out, `${name}.br`), await brotli(body));
  await writeFile(path.join(out, `${name}.gz`), await gzip(body, { level: 9 }));
}

const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => !file.endsWith('.map'))
  .map(([file, output]) => `${path.basename(file)} ${(output.bytes / 1024).toFixed(1)} KiB`);
process.stdout.write(`build-web: ${sizes.join(', ')}\n`);
