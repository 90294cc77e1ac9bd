import { pathToFileURL } from 'node:url';

// package name → { dir: file URL of the override build, index, real: the real build's index }
const packages = new Map();

export function initialize({ overrides }) {
  for (const [name, dist] of Object.entries(overrides)) {
    const dir = pathToFileURL(`${dist}/`).href;
    const short = name.replace('@ironflow/', '');
    packages.set(name, {
      dir,
      index: new URL('index.js', dir).href,
      real: new URL(`../../../packages/${short}/dist/index.js`, import.meta.url).href,
    });
  }
}

export async function resolve(specifier, context, next) {
  const override = packages.get(specifier);
  if (override) return { url: override.index, shortCircuit: true };
  const bare = !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':');
  if (bare) {
    for (const { dir, real } of packages.values()) {
      if (!context.parentURL?.startsWith(dir)) continue;
      // A worktree's build resolves its dependencies as it was built (this tree's versions may
      // have dropped one, e.g. koa-jwt); a copied dist without node_modules falls back to this tree's.
      try {
        return await next(specifier, context);
      } catch {
        return next(specifier, { ...context, parentURL: real });
      }
    }
  }
  return next(specifier, context);
}
