import type { Middleware } from 'koa';

const ALLOW_METHODS = 'GET, POST, DELETE, OPTIONS';
const ALLOW_HEADERS = 'Authorization, Content-Type, Last-Event-ID';
// Headers a browser script may read: Retry-After on 429s, the request id for support.
const EXPOSE_HEADERS = 'Retry-After, X-Request-Id';
/** How long a browser may cache a preflight answer (Chromium caps this at 2 hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

function assertOrigin(origin: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed.origin === 'null' || parsed.origin !== origin) {
    throw new TypeError(
      `cors: ${JSON.stringify(origin)} is not an exact origin; write it as a browser sends it, ` +
        'scheme://host[:port] in lowercase with no path or trailing slash, e.g. https://app.example.com',
    );
  }
}

/**
 * CORS with credentials for exactly `allowedOrigins` (`ALLOWED_ORIGINS`). With none, it adds
 * nothing at all (same origin only). For a listed `Origin` it sets `Access-Control-Allow-Origin`
 * to that origin and `Access-Control-Allow-Credentials: true`, and answers a preflight itself
 * with `204`; any other origin gets no CORS headers, so the browser blocks it. Headers are set
 * before the route runs, so the SSE stream (whose head the hub writes) and error responses carry
 * them. Every response says `Vary: Origin` while CORS is on, since it depends on the origin.
 *
 * @example
 * app.use(cors(['https://dashboard.example.com']));
 */
export function cors(allowedOrigins: readonly string[]): Middleware {
  for (const origin of allowedOrigins) assertOrigin(origin);
  const allowed = new Set(allowedOrigins);
  if (allowed.size === 0) return (_ctx, next) => next();

  return async (ctx, next) => {
    ctx.vary('Origin');
    const origin = ctx.get('Origin');
    if (!allowed.has(origin)) return next();
    ctx.set({
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
    });
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method') !== '') {
      ctx.set({
        'Access-Control-Allow-Methods': ALLOW_METHODS,
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
      });
      ctx.status = 204;
      return;
    }
    ctx.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    return next();
  };
}
