import {
  type AuthState,
  apiKeyCredentialId,
  createApiKeyVerifier,
  createAuthMiddleware,
  createPasswordHasher,
  createWorkerAuthMiddleware,
  type PasswordHasher,
  type TokenService,
} from '@ironflow/auth';
import type { EventPublisher } from '@ironflow/engine';
import {
  type ApiKeyStore,
  createMemoryApiKeyStore,
  createMemoryIdempotencyStore,
  createMemorySessionStore,
  type EventLog,
  type IdempotencyStore,
  type SessionStore,
  type UserStore,
} from '@ironflow/store';
import Router from '@koa/router';
import Koa from 'koa';
import type { SignInRateLimitOptions } from './http/sign-in-rate-limiter.js';
import { type AppLogger, silentLogger } from './logger.js';
import { createPrometheusMetrics } from './metrics/prometheus-metrics.js';
import { awaitTurn } from './middleware/await-turn.js';
import { clientAddress } from './middleware/client-address.js';
import { cors } from './middleware/cors.js';
import { createDrain } from './middleware/drain.js';
import { errorEnvelope } from './middleware/error-envelope.js';
import { requestLog } from './middleware/request-log.js';
import { requireHost } from './middleware/require-host.js';
import { sameSiteOnly } from './middleware/same-site-only.js';
import { securityHeaders } from './middleware/security-headers.js';
import { storeDeadline } from './middleware/store-deadline.js';
import { unmatchedEnvelope } from './middleware/unmatched-envelope.js';
import { mountApiKeyRoutes } from './routes/api-keys.js';
import { mountAsyncApi } from './routes/asyncapi.js';
import { mountAuditLogs } from './routes/audit-logs.js';
import { mountAuthRoutes } from './routes/auth-routes.js';
import { createEventSink } from './routes/event-sink.js';
import { mountEventsStream } from './routes/events-stream.js';
import { mountHealth } from './routes/health.js';
import { mountIngestEvents } from './routes/ingest-events.js';
import { mountIngestLogs } from './routes/ingest-logs.js';
import { countIngestRejections, mountMetrics } from './routes/metrics.js';
import { mountOpenApi } from './routes/openapi.js';
import { mountReady } from './routes/ready.js';
import { mountRunLogs } from './routes/run-logs.js';
import { createHub, type Hub } from './sse/hub.js';

/** Limits and timing of the SSE stream; each maps to a docs/PROTOCOL.md §5 variable. */
export interface StreamOptions {
  /** `SSE_KEEPALIVE_SECS` × 1000. @default 30000 */
  readonly keepAliveMs?: number;
  /** `SSE_MAX_BUFFERED_BYTES`. @default 1048576 */
  readonly maxBufferedBytes?: number;
  /** `SSE_MAX_STREAMS_PER_USER`. @default 32 */
  readonly maxStreamsPerUser?: number;
  /** `SSE_MAX_STREAMS`. @default 50000 */
  readonly maxStreams?: number;
  /** The `retry:` reconnection hint sent to clients. @default 3000 */
  readonly retryMs?: number;
  /** Period of the shared keep-alive and expiry timer. @default 1000 */
  readonly tickMs?: number;
  /**
   * Least time between two writes to the streams while events keep coming; what is appended
   * meanwhile goes out in one write per stream (not a docs/PROTOCOL.md variable). @default 5
   */
  readonly flushIntervalMs?: number;
  /**
   * How long the log's tail may fail to follow before the instance ends its streams and refuses
   * new ones with `503` (not a docs/PROTOCOL.md variable). @default 5000
   */
  readonly followGraceMs?: number;
}

/** What the app is built from; `apps/server` wires these, tests pass their own. */
export interface AppDeps {
  readonly log: EventLog;
  readonly users: UserStore;
  /**
   * API keys; the store must be shared by every instance (PostgreSQL) for keys and revocations
   * to reach them all. @default an in-memory store
   */
  readonly apiKeys?: ApiKeyStore;
  /** Sign-in sessions (single-use refresh tokens); shared like `apiKeys`. @default in memory */
  readonly sessions?: SessionStore;
  /** Password hashing with a bounded queue. @default createPasswordHasher() */
  readonly passwords?: PasswordHasher;
  /**
   * Remembers the ingest routes' `Idempotency-Key`s. With PostgreSQL pass the PostgreSQL store on
   * the log's schema, so every instance shares the keys and an append commits with its answer.
   * @default createMemoryIdempotencyStore()
   */
  readonly idempotency?: IdempotencyStore;
  readonly tokens: TokenService;
  readonly jwtSecret: string;
  readonly workerToken: string;
  readonly environment: 'development' | 'production';
  readonly logger?: AppLogger;
  /** Told of every event this instance appended (webhooks run once, where the event entered). */
  readonly publisher?: EventPublisher;
  readonly stream?: StreamOptions;
  /**
   * The store's timeout (`DATABASE_TIMEOUT_MS`): a request is answered `503` once it has spent
   * this plus 500 ms after being received, however many store calls it makes. @default 5000
   */
  readonly storeTimeoutMs?: number;
  /** Origins allowed to call with credentials (CORS). @default [] (same origin only) */
  readonly allowedOrigins?: readonly string[];
  /** Whether sign-up is open in production (always open in development). @default false */
  readonly allowSignUp?: boolean;
  /**
   * Sign-in attempts per client address (`RATE_LIMIT_AUTH`); `false` disables.
   * @default { limit: 10, windowMs: 60000, maxAddresses: 10000 }
   */
  readonly signInRateLimit?: SignInRateLimitOptions | false;
  /** Sign-up attempts per client address, counted apart from sign-ins. @default as sign-in */
  readonly signUpRateLimit?: SignInRateLimitOptions | false;
  /**
   * Proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`: addresses and CIDRs),
   * for rate limits and logs. @default [] (the TCP peer is the client)
   */
  readonly trustedProxies?: readonly string[];
  /**
   * Serves what no API route matched, e.g. the live event page and its assets (apps/server
   * provides it). Unanswered requests still get the `404` envelope.
   */
  readonly pages?: Koa.Middleware;
}

/** The composed Koa app and its hub. */
export interface IronflowApp {
  readonly app: Koa;
  readonly hub: Hub;
  /**
   * Refuses new requests (`503`), lets those in flight finish, then ends every open stream
   * cleanly and detaches from the log; the log stays open.
   */
  close(): Promise<void>;
}

/**
 * Builds the ironflow HTTP app. The caller binds the port.
 *
 * @example
 * const ironflow = createApp({ log, users, tokens, jwtSecret, workerToken, environment: 'development' });
 * http.createServer(ironflow.app.callback()).listen(3000);
 */
export function createApp(deps: AppDeps): IronflowApp {
  // Built first: it checks the origins, and a bad one should fail before anything starts.
  const allowOrigins = cors(deps.allowedOrigins ?? []);
  const addressOfClient = clientAddress(deps.trustedProxies ?? []);
  const sameSite = sameSiteOnly(deps.allowedOrigins ?? []);
  const apiKeys = deps.apiKeys ?? createMemoryApiKeyStore();
  const sessions = deps.sessions ?? createMemorySessionStore();
  const logger = deps.logger ?? silentLogger;
  const storeTimeoutMs = deps.storeTimeoutMs ?? 5_000;
  if (!Number.isSafeInteger(storeTimeoutMs) || storeTimeoutMs < 1) {
    throw new RangeError(
      `createApp: storeTimeoutMs must be a positive integer of milliseconds, got ${storeTimeoutMs}`,
    );
  }
  const metrics = createPrometheusMetrics();
  const hub = createHub({ log: deps.log, logger, metrics: metrics.hub, ...deps.stream });
  metrics.watchConnections(() => hub.size);
  metrics.watchTail(() => deps.log.tailStatus());
  const keyVerifier = createApiKeyVerifier({
    findByPrefix: (prefix) => apiKeys.findByPrefix(prefix),
    findUser: (userId) => deps.users.findById(userId),
  });
  // A revoked key is refused at once and the streams it opened end, on every instance (the
  // store tells each of them).
  const stopWatchingRevocations = apiKeys.watchRevocations((key) => {
    keyVerifier.revoked(key);
    const credential = apiKeyCredentialId(key.id);
    hub.endWhere((subscriber) => subscriber.credential === credential, 'revoked');
  });
  // The stream and history: a session or an `events:read` key.
  const authenticate = createAuthMiddleware({
    secret: deps.jwtSecret,
    apiKeys: { verifier: keyVerifier, scope: 'events:read' },
  }) as Koa.Middleware<AuthState>;
  // Managing keys needs a session: a key cannot mint or revoke keys.
  const authenticateSession = createAuthMiddleware({ secret: deps.jwtSecret }) as Koa.Middleware<AuthState>;
  const authenticateWorker = createWorkerAuthMiddleware(deps.workerToken);
  const authenticateProducer = createWorkerAuthMiddleware(deps.workerToken, { apiKeys: keyVerifier });
  const append = createEventSink(deps.log, deps.publisher, (stored) =>
    metrics.appended(stored.map((entry) => entry.kind)),
  );
  const ingestGuards = [countIngestRejections(metrics), authenticateProducer];
  const once = {
    keys: deps.idempotency ?? createMemoryIdempotencyStore(),
    onReplay: () => metrics.ingestReplayed(),
  };

  const router = new Router();
  mountHealth(router);
  mountReady(router, deps.log);
  mountAsyncApi(router);
  mountOpenApi(router);
  const eventsStream = mountEventsStream(router, { log: deps.log, hub, authenticate });
  mountRunLogs(router, { log: deps.log, authenticate });
  mountAuditLogs(router, { log: deps.log, authenticate });
  const ingestEvents = mountIngestEvents(router, append, once, ingestGuards);
  mountIngestLogs(router, append, once, ingestGuards);
  mountMetrics(router, metrics, deps.environment === 'production' ? authenticateWorker : null);
  mountAuthRoutes(router, {
    users: deps.users,
    sessions,
    tokens: deps.tokens,
    passwords: deps.passwords ?? createPasswordHasher(),
    append,
    authenticate,
    sameSite,
    environment: deps.environment,
    allowSignUp: deps.allowSignUp,
    signInRateLimit: deps.signInRateLimit,
    signUpRateLimit: deps.signUpRateLimit ?? deps.signInRateLimit,
  });
  mountApiKeyRoutes(router, { apiKeys, authenticate: authenticateSession, sameSite });

  const drain = createDrain();
  const app = new Koa();
  // Every error is rendered (and, if unexpected, logged) by errorEnvelope; Koa's own printing
  // would only repeat it, and a client hanging up on a stream is not an error at all.
  app.silent = true;
  app.use(awaitTurn(hub));
  app.use(addressOfClient);
  app.use(requestLog(logger));
  app.use(securityHeaders());
  app.use(allowOrigins);
  app.use(errorEnvelope(logger));
  app.use(requireHost());
  app.use(drain.middleware);
  // Inside docs/PROTOCOL.md's bound of the store timeout plus one second, with room to write the answer.
  app.use(storeDeadline(storeTimeoutMs + 500));
  app.use(unmatchedEnvelope());
  app.use(eventsStream);
  app.use(ingestEvents);
  app.use(router.routes());
  app.use(router.allowedMethods());
  if (deps.pages) app.use(deps.pages);

  return {
    app,
    hub,
    async close() {
      stopWatchingRevocations();
      await drain.close();
      await hub.close();
    },
  };
}
