import type { ReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { send } from '@koa/send';
import type { Middleware } from 'koa';

/** Options of {@link createPagesMiddleware}. */
export interface PagesOptions {
  /**
   * The directory the built page lives in (`web/build.mjs` writes it).
   * @default the `public` folder beside this module, i.e. `apps/server/dist/public`
   */
  readonly root?: string;
}

const DEFAULT_ROOT = fileURLToPath(new URL('./public/', import.meta.url));
// Only flat file names: no folders, no dot files, no percent-encoding, so no traversal to guard
// against here (@koa/send's resolve-path guards again below).
const FILE_NAME = /^\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
// The pre-compressed copies are served through content negotiation, never by their own names.
const COMPRESSED_COPY = /\.(br|gz)$/;
// esbuild's `[name]-[hash]` outputs never change content under the same name.
const HASHED_ASSET = /-[A-Z0-9]{8}\.(js|css)(\.map)?$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the live event page for `GET`/`HEAD`: `index.html` at `/`, and the assets beside it with
 * their content type, `Cache-Control` (hashed assets immutable for a year, the rest revalidated
 * with `Last-Modified`) and a brotli or gzip copy when the client accepts one. Everything else,
 * including any `/api/` path and any missing file, goes to `next()` so the api's `404` envelope
 * still applies. Pass it as `pages` to `createApp`.
 *
 * @example
 * ```ts
 * const ironflow = createApp({ ...deps, pages: createPagesMiddleware() });
 * ```
 */
export function createPagesMiddleware(options: PagesOptions = {}): Middleware {
  const root = options.root ?? DEFAULT_ROOT;
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const file = ctx.path === '/' ? '/index.html' : ctx.path;
    if (!FILE_NAME.test(file) || COMPRESSED_COPY.test(file)) return next();

    const cacheControl = HASHED_ASSET.test(file) ? IMMUTABLE : 'no-cache';
    try {
      await send(ctx, file, {
        root,
        index: false,
        format: false,
        setHeaders: (res) => {
          res.setHeader('Cache-Control', cacheControl);
          res.setHeader('Vary', 'Accept-Encoding');
        },
      });
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) return next();
      throw error;
    }
    if (ctx.body === undefined) return next();
    if (ctx.fresh) {
      // A conditional request for an unchanged file: 304 without opening the file for nothing.
      (ctx.body as ReadStream).destroy();
      ctx.status = 304;
      ctx.body = null;
    }
  };
}
