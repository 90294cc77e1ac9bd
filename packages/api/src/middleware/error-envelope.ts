import type { Middleware } from 'koa';
import type { AppLogger } from '../logger.js';

/** Codes for errors thrown by Koa or a library that carry a status but no code of ours. */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  501: 'NOT_IMPLEMENTED',
  503: 'SERVICE_UNAVAILABLE',
};

interface ExposedError {
  status: number;
  code?: string;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
}

/**
 * The one place errors become responses: an exposed client error keeps its code, message and
 * details; anything else is logged with its cause and answered `500 INTERNAL_ERROR` without
 * internals (docs/PROTOCOL.md §7).
 */
export function errorEnvelope(logger: AppLogger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (ctx.headerSent || !ctx.writable) {
        logger.warn({ err: error }, 'error after the response started');
        return;
      }
      const exposed = asExposedError(error);
      if (exposed === null) logger.error({ err: error, reqId: ctx.state.requestId }, 'request failed');
      const status = exposed?.status ?? 500;
      ctx.status = status;
      if (exposed?.headers) ctx.set(exposed.headers);
      ctx.body = {
        error: {
          code: exposed ? (exposed.code ?? CODE_BY_STATUS[status] ?? 'BAD_REQUEST') : 'INTERNAL_ERROR',
          message: exposed ? exposed.message : 'internal server error',
          ...(exposed?.details !== undefined ? { details: exposed.details } : {}),
        },
      };
    }
  };
}

function asExposedError(error: unknown): ExposedError | null {
  if (error instanceof URIError)
    return { status: 400, code: 'BAD_REQUEST', message: 'malformed URL encoding' };
  if (typeof error !== 'object' || error === null) return null;
  const candidate = error as Partial<ExposedError> & { expose?: unknown };
  const status = candidate.status;
  // Only deliberate errors are shown to clients: 4xx, and 5xx we raise on purpose (503 at the
  // stream limit); a plain 500 always hides its internals.
  const deliberate = candidate.expose === true && typeof status === 'number' && status >= 400 && status < 600;
  if (!deliberate || status === 500) return null;
  return candidate as ExposedError;
}
