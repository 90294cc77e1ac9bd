import type { Logger } from './logger.js';

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownOptions {
  /** The graceful close, e.g. `RunningServer.close`. */
  readonly close: () => Promise<void>;
  readonly logger: Logger;
  /**
   * After this long the process exits with 1 even if `close` has not finished.
   * @default 10000
   */
  readonly deadlineMs?: number;
  /** @default process.exit */
  readonly exit?: (code: number) => void;
  /** Where the signals come from. @default process */
  readonly signals?: NodeJS.EventEmitter;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * On the first SIGTERM or SIGINT runs `close`, flushes the logger and exits 0. A second signal,
 * a failing `close` or the deadline exits 1 at once (pino still flushes synchronously on exit).
 * Returns a function that removes the handlers.
 */
export function handleShutdownSignals(options: ShutdownOptions): () => void {
  const {
    close,
    logger,
    deadlineMs = 10_000,
    exit = (code) => process.exit(code),
    signals = process,
  } = options;
  let shuttingDown = false;
  let exited = false;

  const finish = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      finish(1);
      return;
    }
    shuttingDown = true;
    logger.info({ signal, deadline_ms: deadlineMs }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ deadline_ms: deadlineMs }, 'shutdown deadline passed: exiting now');
      finish(1);
    }, deadlineMs);
    close().then(
      () => {
        clearTimeout(deadline);
        logger.info({}, 'shut down cleanly');
        logger.flush(() => finish(0));
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'shutdown failed');
        finish(1);
      },
    );
  };

  for (const signal of SIGNALS) signals.on(signal, onSignal);
  return () => {
    for (const signal of SIGNALS) signals.off(signal, onSignal);
  };
}
