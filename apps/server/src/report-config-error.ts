import { type Config, type LoadConfigOptions, loadConfig } from './config.js';
import { ConfigError } from './config-error.js';

/** Exit code for a configuration or usage error: the process never started its work. */
export const EXIT_CONFIG = 2;

/** Prints a ConfigError's list to stderr and returns exit code 2; rethrows anything else. */
export function reportConfigError(error: unknown): number {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`ironflow: ${error.message}\n`);
  return EXIT_CONFIG;
}

/**
 * {@link loadConfig}, or null once a ConfigError's list is on stderr (the caller exits with
 * {@link EXIT_CONFIG}); anything else is rethrown.
 */
export function loadConfigOrReport(env: NodeJS.ProcessEnv, options?: LoadConfigOptions): Config | null {
  try {
    return loadConfig(env, options);
  } catch (error) {
    reportConfigError(error);
    return null;
  }
}
