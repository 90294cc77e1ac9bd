import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
const sources = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => [file, readFileSync(srcDir + file, 'utf8')] as const);

describe('source rules', () => {
  it.each(sources)('%s is browser-safe and imports only zod and relative .js paths', (_file, text) => {
    expect(text).not.toMatch(/from ['"]node:/);
    expect(text).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(/);
    for (const [, specifier] of text.matchAll(/from ['"]([^'"]+)['"]/g)) {
      expect(specifier === 'zod' || /^\.\/[\w/-]+\.js$/.test(specifier ?? '')).toBe(true);
    }
  });

  it('lists exports by name in index.ts (no export *)', () => {
    const index = sources.find(([file]) => file === 'index.ts')?.[1] ?? '';
    expect(index).not.toMatch(/export \*/);
  });
});
