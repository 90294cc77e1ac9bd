import { ConfigError } from './config-error.js';

/** Exit code for a configuration or usage error: the process never started its work. */
export const EXIT_CONFIG = 2;

/** Prints a ConfigError's list to stderr and returns exit code 2; rethrows anything else. */
export function reportConfigError(error: unknown): number {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`ironflow: ${error.message}\n`);
  return EXIT_CONFIG;
}
