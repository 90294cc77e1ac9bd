import { pathToFileURL } from 'node:url';

let overrideDir = '';
let overrideIndex = '';
const realApi = new URL('../../../packages/api/dist/index.js', import.meta.url).href;

export function initialize({ dist }) {
  overrideDir = pathToFileURL(`${dist}/`).href;
  overrideIndex = new URL('index.js', overrideDir).href;
}

export function resolve(specifier, context, next) {
  if (specifier === '@ironflow/api') return { url: overrideIndex, shortCircuit: true };
  const bare = !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':');
  if (bare && context.parentURL?.startsWith(overrideDir))
    return next(specifier, { ...context, parentURL: realApi });
  return next(specifier, context);
}
