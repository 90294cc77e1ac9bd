/** The logging surface the api needs; a pino logger satisfies it. */
export interface AppLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const ignore = () => {};

/** A logger that drops everything, the default when the caller passes none. */
export const silentLogger: AppLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
