import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * The process logger: one JSON object per line on stdout, ISO timestamps, at `level`.
 * Writes are synchronous: an asynchronous destination could still hold the last lines (the
 * shutdown report, a fatal error) when the process exits, and losing those is worse than the
 * microseconds a line costs. Benchmarks run with `LOG_LEVEL=warn`.
 *
 * @example
 * ```ts
 * const logger = createLogger(config.logLevel);
 * logger.info({ port }, 'listening');
 * ```
 */
export function createLogger(
  level: LogLevel,
  destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
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
