import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTokenService } from '@ironflow/auth';
import type { Config } from './config.js';
import { ConfigError } from './config-error.js';
import { DEV_USER_NAME } from './dev-defaults.js';
import { formatDevHints } from './dev-hints.js';
import { createLogger } from './logger.js';
import { EXIT_CONFIG, loadConfigOrReport, reportConfigError } from './report-config-error.js';
import { SHUTDOWN_MESSAGE, WORKER_INDEX_ENV } from './serve-workers.js';
import { startServer } from './server.js';
import { handleShutdownSignals } from './shutdown.js';
import { StartError } from './start-error.js';
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
    caFile: config.tls?.certFile ?? null,
  });
}

/**
 * Runs the server until SIGTERM/SIGINT: loads the configuration from `env` (a ConfigError goes
 * to stderr with exit code 2), starts (a start failure is one line on stderr saying what to fix,
 * the JSON `fatal` line on stdout, exit code 1), prints `listening on <url> (<mode> mode, <store>
 * store)` and in development the banner to stderr (stdout carries only JSON log lines) and hands
 * shutdown to the signal handlers.
 */
export async function serve(env: NodeJS.ProcessEnv): Promise<void> {
  const config = loadConfigOrReport(env);
  if (config === null) {
    process.exitCode = EXIT_CONFIG;
    return;
  }

  const logger = createLogger(config.logLevel);
  if (config.environment === 'production' && config.databaseUrl === null) {
    // Allowed only by IRONFLOW_ALLOW_MEMORY_STORE=true (loadConfig refuses it otherwise): say it loudly.
    logger.warn('production on the in-memory store: every user and event is lost at the next restart');
    process.stderr.write(
      'ironflow: WARNING: production on the in-memory store (IRONFLOW_ALLOW_MEMORY_STORE=true); every user and event is lost at the next restart; set DATABASE_URL to keep them\n',
    );
  }
  try {
    const server = await startServer(config, logger);
    handleShutdownSignals({
      close: server.close,
      logger,
      signals: cluster.isWorker ? workerSignals() : process,
    });
    process.stderr.write(
      `ironflow: listening on ${server.url} (${config.environment} mode, ${server.store} store)\n`,
    );
    const first = !cluster.isWorker || env[WORKER_INDEX_ENV] === '0';
    if (config.environment === 'development' && first) process.stderr.write(devHints(config, server.url));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.exitCode = reportConfigError(error);
      return;
    }
    // One line for the operator on stderr, what failed and how to fix it; the JSON on stdout.
    const reason = error instanceof StartError ? error.message : `unexpected error: ${String(error)}`;
    logger.fatal(
      { err: error instanceof StartError ? error.cause : error, reason },
      'ironflow failed to start',
    );
    process.stderr.write(`ironflow: failed to start: ${reason}\n`);
    logger.flush(() => process.exit(1));
  }
}

/**
 * A worker of `serve --workers` shuts down when its primary says so (or on its own SIGTERM). It
 * ignores SIGINT: Ctrl-C reaches the whole process group, and the primary's message that
 * follows would count as a second signal (exit 1 at once) instead of one graceful shutdown.
 */
function workerSignals(): EventEmitter {
  const signals = new EventEmitter();
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => signals.emit('SIGTERM', 'SIGTERM'));
  process.on('message', (message) => {
    if (message === SHUTDOWN_MESSAGE) signals.emit('SIGTERM', 'SIGTERM');
  });
  return signals;
}
