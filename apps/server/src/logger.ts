import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * The process logger: one JSON object per line on stdout, ISO timestamps, at `level`.
 * Writes are asynchronous (sonic-boom) to keep logging off the request path; pino flushes them
 * synchronously on exit, and the shutdown path calls `logger.flush()` before exiting.
 *
 * @example
 * ```ts
 * const logger = createLogger(config.logLevel);
 * logger.info({ port }, 'listening');
 * ```
 */
export function createLogger(
  level: LogLevel,
  destination: DestinationStream = pino.destination({ dest: 1, sync: false }),
): Logger {
  return pino(
    {
      level,
      base: { service: 'ironflow', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
