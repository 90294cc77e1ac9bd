import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { EXIT_CONFIG, loadConfigOrReport } from './report-config-error.js';

/** Set in each worker's environment: its index (0 prints the development banner). */
export const WORKER_INDEX_ENV = 'IRONFLOW_WORKER_INDEX';

/** What the primary sends a worker to shut it down gracefully (a second one: at once). */
export const SHUTDOWN_MESSAGE = 'ironflow:shutdown';

/** A worker that dies this soon after it started is failing to start: no restart loop. */
const RESTART_WINDOW_MS = 10_000;
/** Delay before a worker that died is replaced. */
const RESTART_DELAY_MS = 1_000;

/**
 * `ironflow serve --workers N`: one full server instance per worker process (node:cluster), all
 * on one port, so every core serves streams. Each worker opens its own pool and LISTEN connection
 * and tails the PostgreSQL log like any other instance, so an event ingested through one worker
 * reaches the streams on every worker; the primary only accepts connections and hands them out
 * round-robin. Refused on the in-memory store (exit 2), where each worker would keep its own
 * events. The primary forwards SIGTERM/SIGINT to the workers, waits for their graceful shutdown
 * and exits 0 (1 if one failed); a worker that dies later than {@link RESTART_WINDOW_MS} after
 * its start is replaced, one that dies sooner stops everything with exit 1.
 */
export async function serveWorkers(env: NodeJS.ProcessEnv, count: number): Promise<void> {
  const config = loadConfigOrReport(env);
  if (config === null) {
    process.exitCode = EXIT_CONFIG;
    return;
  }
  if (config.databaseUrl === null) {
    process.stderr.write(
      `ironflow: serve --workers ${count} needs DATABASE_URL: workers share events only through PostgreSQL, and on the in-memory store each worker would keep its own events and users; set DATABASE_URL=postgres://user:pass@host:5432/db, or run without --workers\n`,
    );
    process.exitCode = EXIT_CONFIG;
    return;
  }

  cluster.setupPrimary({ exec: fileURLToPath(new URL('./main.js', import.meta.url)), args: [] });
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let failed = false;
  let listening = 0;

  const fork = (index: number) => {
    const worker = cluster.fork({ ...env, [WORKER_INDEX_ENV]: String(index) });
    startedAt.set(worker, Date.now());
    worker.once('listening', (address) => {
      listening += 1;
      if (listening === count) {
        process.stderr.write(
          `ironflow: ${count} workers listening on port ${address.port} (pids ${Object.values(
            cluster.workers ?? {},
          )
            .map((w) => w?.process.pid)
            .join(', ')})\n`,
        );
      }
    });
    worker.once('exit', (code, signal) => {
      const lived = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      if (stopping) {
        if (code !== 0) failed = true;
        if (startedAt.size === 0) process.exit(failed ? 1 : 0);
        return;
      }
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (lived < RESTART_WINDOW_MS) {
        process.stderr.write(
          `ironflow: worker ${index} (pid ${worker.process.pid}) exited with ${how} ${Math.round(lived / 1000)} s after it started; stopping the others\n`,
        );
        failed = true;
        stop();
        return;
      }
      process.stderr.write(
        `ironflow: worker ${index} (pid ${worker.process.pid}) exited with ${how}; starting a new one\n`,
      );
      setTimeout(() => {
        if (!stopping) fork(index);
      }, RESTART_DELAY_MS);
    });
  };

  // Each signal is passed on as one message: the workers shut down gracefully on the first and
  // exit at once on a second, as a single instance does with its signals.
  function stop(): void {
    stopping = true;
    if (startedAt.size === 0) process.exit(failed ? 1 : 0);
    for (const worker of startedAt.keys()) if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
  }
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let index = 0; index < count; index += 1) fork(index);
}
