import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTokenService } from '@ironflow/auth';
import { type Config, loadConfig } from './config.js';
import { ConfigError } from './config-error.js';
import { DEV_USER_NAME } from './dev-defaults.js';
import { formatDevHints } from './dev-hints.js';
import { createLogger } from './logger.js';
import { reportConfigError } from './report-config-error.js';
import { startServer } from './server.js';
import { handleShutdownSignals } from './shutdown.js';
import { userIdForName } from './user-id.js';

function devHints(config: Config, url: string): string {
  const tokens = createTokenService({ secret: config.jwtSecret });
  const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
  return formatDevHints({
    url,
    accessToken: tokens.mintAccess({
      userId: userIdForName(DEV_USER_NAME),
      username: DEV_USER_NAME,
      isAdmin: true,
    }),
    accessTtlSeconds: tokens.accessTtlSeconds,
    username: DEV_USER_NAME,
    workerToken: config.workerToken,
    cliCommand: `node ${path.relative(process.cwd(), cli) || cli}`,
    runId: randomUUID(),
  });
}

/**
 * Runs the server until SIGTERM/SIGINT: loads the configuration from `env` (a ConfigError goes
 * to stderr with exit code 2), starts, prints the development banner to stderr (stdout carries
 * only JSON log lines) and hands shutdown to the signal handlers.
 */
export async function serve(env: NodeJS.ProcessEnv): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    process.exitCode = reportConfigError(error);
    return;
  }

  const logger = createLogger(config.logLevel);
  try {
    const server = await startServer(config, logger);
    handleShutdownSignals({ close: server.close, logger });
    if (config.environment === 'development') process.stderr.write(devHints(config, server.url));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.exitCode = reportConfigError(error);
      return;
    }
    logger.fatal({ err: error }, 'ironflow failed to start');
    logger.flush(() => process.exit(1));
  }
}
