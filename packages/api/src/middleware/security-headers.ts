import type { Middleware } from 'koa';

const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'Referrer-Policy': 'no-referrer',
} as const;

/** Sets the SPEC §5 security headers before anything else runs, so errors and streams carry them. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set(HEADERS);
    await next();
  };
}
