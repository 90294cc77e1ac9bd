import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { createApp } from '@ironflow/api';
import { createTokenService } from '@ironflow/auth';
import { createInProcessNotifier } from '@ironflow/engine';
import {
  type ApiKeyStore,
  createMemoryApiKeyStore,
  createMemoryEventLog,
  createMemoryIdempotencyStore,
  createMemorySessionStore,
  createMemoryUserStore,
  createPostgresApiKeyStore,
  createPostgresEventLog,
  createPostgresIdempotencyStore,
  createPostgresSessionStore,
  createPostgresUserStore,
  type EventLog,
  type IdempotencyStore,
  type SessionStore,
  type UserStore,
} from '@ironflow/store';
import type { Config } from './config.js';
import { createListener, type Listener, type TlsMaterial } from './http-listener.js';
import type { Logger } from './logger.js';
import { createPagesMiddleware } from './pages.js';
import { databaseStartError, listenStartError, tlsStartError } from './start-error.js';
import { capStreams } from './stream-cap.js';
import { subscribeWebhook, WEBHOOK_QUEUE_LIMIT } from './webhook.js';

/** Which store holds the log and the users, as the `listening` line names it. */
export type StoreName = 'memory' | 'postgresql';

/** `postgresql` when `DATABASE_URL` is set, else `memory`. */
export function storeName(config: Config): StoreName {
  return config.databaseUrl === null ? 'memory' : 'postgresql';
}

/** A listening ironflow server. */
export interface RunningServer {
  /** Where a local client reaches it, e.g. `http://127.0.0.1:3000` (loopback when bound to all). */
  readonly url: string;
  /** The bound port (the OS's choice when `PORT=0`). */
  readonly port: number;
  /** Where the log and the users live. */
  readonly store: StoreName;
  /**
   * Graceful shutdown: stops accepting, ends open streams cleanly (clients resume elsewhere with
   * their cursor), closes idle keep-alive sockets, waits for in-flight requests, then closes the
   * publisher and the log. Idempotent. It does not exit the process or flush the logger.
   */
  close(): Promise<void>;
}

/** How long shutdown waits for queued webhook deliveries (the process deadline is 10 s). */
const WEBHOOK_DRAIN_MS = 3_000;

interface Stores {
  readonly log: EventLog;
  readonly users: UserStore;
  readonly apiKeys: ApiKeyStore;
  readonly sessions: SessionStore;
  readonly idempotency: IdempotencyStore;
  closeStores(): Promise<void>;
}

/** PostgreSQL when `DATABASE_URL` is set (several instances share it), else in memory. */
async function openStores(config: Config, logger: Logger): Promise<Stores> {
  if (config.databaseUrl === null) {
    const log = createMemoryEventLog({
      historyLimit: config.eventHistoryLimit,
      historyBytes: config.eventHistoryBytes,
    });
    return {
      log,
      users: createMemoryUserStore(),
      apiKeys: createMemoryApiKeyStore(),
      sessions: createMemorySessionStore(),
      idempotency: createMemoryIdempotencyStore(),
      closeStores: () => log.close(),
    };
  }
  const connectionString = config.databaseUrl;
  let log: EventLog;
  try {
    log = await createPostgresEventLog({
      connectionString,
      retentionHours: config.eventRetentionHours,
      timeoutMs: config.databaseTimeoutMs,
      // At most 2 s between LISTEN reconnects, so the tail follows within 5 s of the database
      // answering again (docs/PROTOCOL.md §4), whatever the backoff had grown to during a long outage.
      reconnect: { maxDelayMs: 2_000 },
      onError: (error, context) => logger.warn({ err: error }, `event log: ${context}`),
      onListenerError: (error) => logger.error({ err: error }, 'event log listener failed'),
    });
  } catch (error) {
    throw databaseStartError(error, connectionString);
  }
  const opened: { close(): Promise<void> }[] = [log];
  const closeStores = async () => {
    await Promise.all(opened.map((store) => store.close()));
  };
  try {
    const users = await createPostgresUserStore({
      connectionString,
      poolSize: 4,
      timeoutMs: config.databaseTimeoutMs,
    });
    opened.push(users);
    const apiKeys = await createPostgresApiKeyStore({
      connectionString,
      poolSize: 2,
      timeoutMs: config.databaseTimeoutMs,
      onError: (error, context) => logger.warn({ err: error }, `api keys: ${context}`),
    });
    opened.push(apiKeys);
    const sessions = await createPostgresSessionStore({
      connectionString,
      poolSize: 2,
      timeoutMs: config.databaseTimeoutMs,
    });
    opened.push(sessions);
    // Keys live beside the log (same schema), so an append commits its answer with its batch.
    const idempotency = await createPostgresIdempotencyStore({
      connectionString,
      poolSize: 2,
      timeoutMs: config.databaseTimeoutMs,
      onError: (error) => logger.warn({ err: error }, 'idempotency keys: timed prune failed'),
    });
    opened.push(idempotency);
    return { log, users, apiKeys, sessions, idempotency, closeStores };
  } catch (error) {
    await closeStores();
    throw databaseStartError(error, connectionString);
  }
}

function listen(server: Listener['server'], port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The URL a client on this machine uses: an unspecified bind address is reached via loopback. */
function localUrl({ address, family, port }: AddressInfo, protocol: Listener['protocol']): string {
  if (address === '0.0.0.0') return `${protocol}://127.0.0.1:${port}`;
  if (address === '::') return `${protocol}://[::1]:${port}`;
  return family === 'IPv6' ? `${protocol}://[${address}]:${port}` : `${protocol}://${address}:${port}`;
}

function readTls(config: Config): TlsMaterial | null {
  if (config.tls === null) return null;
  try {
    const material = { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
    // Parsed now so that a bad PEM or a key that does not match fails the start, with its reason.
    createSecureContext(material);
    return material;
  } catch (error) {
    throw tlsStartError(error, config.tls);
  }
}

/** How long shutdown lets connections finish taking what was sent before cutting them. */
const RELEASE_GRACE_MS = 2_000;

/**
 * Wires the store, tokens, publisher and Koa app together and listens on `HOST:PORT`.
 *
 * With `DATABASE_URL` the log and the users live in PostgreSQL, so several instances can share
 * them; otherwise in memory.
 * @example
 * ```ts
 * const server = await startServer(loadConfig(process.env), createLogger('info'));
 * await fetch(`${server.url}/api/v1/health-check`);
 * await server.close();
 * ```
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const tls = readTls(config);
  const streamCap = capStreams(config.sse.maxStreams);
  if (streamCap.capped) {
    logger.warn(
      { configured: config.sse.maxStreams, fdLimit: streamCap.fdLimit, maxStreams: streamCap.maxStreams },
      `SSE_MAX_STREAMS=${config.sse.maxStreams} is more than the file-descriptor limit (ulimit -n ${streamCap.fdLimit}) can hold: at most ${streamCap.maxStreams} streams; raise the limit (LimitNOFILE=, ulimit -n) to allow more`,
    );
  }
  const { log, users, apiKeys, sessions, idempotency, closeStores } = await openStores(config, logger);
  const tokens = createTokenService({ secret: config.jwtSecret });
  const publisher = createInProcessNotifier({
    maxQueuedPerSubscriber: WEBHOOK_QUEUE_LIMIT,
    onError: (error, { event, subscriber }) =>
      logger.error({ err: error, type: event.type, subscriber: subscriber.name }, 'event subscriber failed'),
  });
  subscribeWebhook(publisher, config.webhook, logger);
  const rateLimit = config.rateLimitAuth === 0 ? false : { limit: config.rateLimitAuth };
  const ironflow = createApp({
    log,
    users,
    apiKeys,
    sessions,
    idempotency,
    tokens,
    jwtSecret: config.jwtSecret,
    workerToken: config.workerToken,
    environment: config.environment,
    logger,
    publisher,
    storeTimeoutMs: config.databaseTimeoutMs,
    stream: {
      keepAliveMs: config.sse.keepAliveSecs * 1000,
      maxBufferedBytes: config.sse.maxBufferedBytes,
      maxStreamsPerUser: config.sse.maxStreamsPerUser,
      maxStreams: streamCap.maxStreams,
    },
    allowedOrigins: [...config.allowedOrigins],
    allowSignUp: config.allowSignUp,
    signInRateLimit: rateLimit,
    signUpRateLimit: rateLimit,
    trustedProxies: [...config.trustedProxies],
    pages: createPagesMiddleware(),
  });

  const listener = createListener(ironflow.app.callback(), tls);
  const server = listener.server;

  // Give queued webhook deliveries a bounded grace, well inside the shutdown deadline: a dead
  // receiver must not turn a clean SIGTERM into a forced exit. What is left is logged, not kept.
  async function closeBackends(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), WEBHOOK_DRAIN_MS);
    });
    const drained = await Promise.race([publisher.idle().then(() => 'idle' as const), graceOver]);
    clearTimeout(timer);
    if (drained === 'timeout') {
      logger.warn({ graceMs: WEBHOOK_DRAIN_MS }, 'webhook deliveries still pending at shutdown were dropped');
    }
    publisher.close();
    await closeStores();
  }

  let address: AddressInfo;
  try {
    address = await listen(server, config.port, config.host);
  } catch (error) {
    await ironflow.close();
    await closeBackends();
    throw listenStartError(error, config.host, config.port);
  }
  const url = localUrl(address, listener.protocol);
  logger.info(
    {
      url,
      host: address.address,
      port: address.port,
      environment: config.environment,
      store: storeName(config),
      protocols: tls === null ? ['http/1.1'] : ['h2', 'http/1.1'],
      maxStreams: streamCap.maxStreams,
    },
    'ironflow listening',
  );

  let closing: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    const stopped = new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
    });
    await ironflow.close();
    // Ended streams leave keep-alive connections and HTTP/2 sessions idle; without this
    // server.close() would wait for them.
    listener.release(RELEASE_GRACE_MS);
    await stopped;
    await closeBackends();
  }

  return {
    url,
    port: address.port,
    store: storeName(config),
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}
