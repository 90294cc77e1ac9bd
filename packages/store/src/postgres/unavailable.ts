import type pg from 'pg';
import { StoreUnavailableError } from '../errors.js';

// SQLSTATEs that mean "the database cannot serve us now", not "the statement is wrong":
// class 08 (connection exception), 53300 too_many_connections, 57014 query_canceled (the
// statement timeout), 57P01-57P03 (admin or crash shutdown, cannot connect now). Also 42P01
// undefined_table and 3F000 invalid_schema_name: the schema was migrated before this instance
// served anything, so a table or schema missing afterwards was dropped under it (a restore in
// progress, another process recreating the schema: two bench runs sharing one did exactly that);
// the database cannot serve the request now, which is a 503 to retry, not an internal error.
const UNAVAILABLE_STATE = /^(08...|53300|57014|57P0[123]|42P01|3F000)$/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// pg and pg-pool raise these as plain Errors, without a code.
const DRIVER_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection refused/i;

/** Whether `error` says the database is unreachable or too slow, rather than a bug or bad input. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  // Node reports a failed connect to every address of a host name as one AggregateError.
  if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_STATE.test(code) || NETWORK_CODES.has(code))) return true;
  return typeof message === 'string' && DRIVER_MESSAGES.test(message);
}

/** `error` as a {@link StoreUnavailableError} when it means the database is unavailable, else as is. */
export function asStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailable(error)) return error;
  return new StoreUnavailableError(undefined, { cause: error });
}

/**
 * `pool.query` whose connection failures and timeouts surface as {@link StoreUnavailableError}
 * (503 with Retry-After), for stores whose every statement goes through the pool.
 */
export function queryReportingUnavailable(pool: pg.Pool): pg.Pool['query'] {
  return ((text: string, values?: unknown[]) =>
    unavailableAsStoreError(() => pool.query(text, values))) as pg.Pool['query'];
}

/** Runs `operation`, turning connection failures and timeouts into {@link StoreUnavailableError}. */
export async function unavailableAsStoreError<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw asStoreError(error);
  }
}
