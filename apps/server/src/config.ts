import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { EVENT_KIND_NAMES, type EventKindName, parseEventKindList } from '@ironflow/engine';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { DEV_JWT_SECRET, DEV_WORKER_TOKEN } from './dev-defaults.js';

/** `IRONFLOW_ENV`: development relaxes secrets and binds to loopback; production is strict. */
export type Environment = 'development' | 'production';

/** pino's level names, `LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The server's configuration, read from the environment by {@link loadConfig} (docs/PROTOCOL.md section 5). */
export interface Config {
  readonly environment: Environment;
  /** @default 3000 (0 asks the OS for a free port) */
  readonly port: number;
  /** @default '127.0.0.1' in development, '0.0.0.0' in production */
  readonly host: string;
  readonly jwtSecret: string;
  readonly workerToken: string;
  /** A `postgres://` URL, or null for the in-memory store. */
  readonly databaseUrl: string | null;
  /** Normalised origins allowed cross-origin with credentials; empty means same origin only. */
  readonly allowedOrigins: readonly string[];
  readonly sse: {
    /** @default 30 */
    readonly keepAliveSecs: number;
    /** @default 1048576 */
    readonly maxBufferedBytes: number;
    /** @default 32 */
    readonly maxStreamsPerUser: number;
    /** @default 50000 */
    readonly maxStreams: number;
  };
  /** @default 100000 */
  readonly eventHistoryLimit: number;
  /** Bytes of event JSON the in-memory log retains. @default 268435456 */
  readonly eventHistoryBytes: number;
  /** @default 168 */
  readonly eventRetentionHours: number;
  /**
   * Connect and statement timeout of the PostgreSQL store; every request that needs the store is
   * answered within it plus one second. @default 5000
   */
  readonly databaseTimeoutMs: number;
  readonly webhook: {
    readonly url: string | null;
    readonly secret: string | null;
    /** @default ['run_status_changed', 'step_failed'] */
    readonly events: readonly EventKindName[];
  };
  /** @default 'info' */
  readonly logLevel: LogLevel;
  /** @default true in development, false in production */
  readonly allowSignUp: boolean;
  /**
   * `IRONFLOW_ALLOW_MEMORY_STORE=true`: production may run on the in-memory store (every user and
   * event is lost at each restart). Without it, production refuses to start without `DATABASE_URL`.
   * @default false
   */
  readonly allowMemoryStore: boolean;
  /**
   * `TLS_CERT_FILE` and `TLS_KEY_FILE` (both or neither): HTTPS serving HTTP/2 and HTTP/1.1 on
   * the same port; `null` for plain HTTP/1.1.
   */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
  /** Sign-in and sign-up attempts per minute per client address, each its own count; 0 disables. @default 10 */
  readonly rateLimitAuth: number;
  /** Addresses and CIDRs of proxies whose `X-Forwarded-For` names the client. @default [] */
  readonly trustedProxies: readonly string[];
}

/** What the configuration is loaded for: `serve` also checks what only a running server needs. */
export interface LoadConfigOptions {
  /** @default 'serve' */
  readonly purpose?: 'serve' | 'token';
}

const MIN_SECRET_BYTES = 32;
const GENERATE = 'generate one with `openssl rand -base64 48`';
const DEFAULT_WEBHOOK_EVENTS: readonly EventKindName[] = ['run_status_changed', 'step_failed'];
// Secrets are used byte for byte; every other value is trimmed.
const SECRETS = new Set(['JWT_SECRET', 'WORKER_TOKEN', 'WEBHOOK_SECRET']);

/** A transform that turns a set string into `T` or reports why it cannot (`undefined` = unset). */
function variable<T>(fallback: T, parse: (raw: string) => T | { problem: string }) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined) return fallback;
      const result = parse(raw);
      if (typeof result === 'object' && result !== null && 'problem' in result) {
        ctx.addIssue({ code: 'custom', message: result.problem });
        return z.NEVER;
      }
      return result as T;
    });
}

function integer(fallback: number, min: number, max: number, unit = '') {
  return variable(fallback, (raw) => {
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
    return {
      problem: `must be a whole number from ${min} to ${max}${unit}, got "${raw}"; fix it or unset it for the default ${fallback}`,
    };
  });
}

function secret(devValue: string, environment: Environment, name: string) {
  if (environment === 'development') return variable(devValue, (raw) => raw);
  return z
    .string({ error: `is required in production; ${GENERATE}` })
    .refine((raw) => raw !== DEV_JWT_SECRET && raw !== DEV_WORKER_TOKEN, {
      error: `is a public development default, refused in production; ${GENERATE}`,
      abort: true,
    })
    .refine((raw) => Buffer.byteLength(raw) >= MIN_SECRET_BYTES, {
      error: (issue) =>
        `is ${Buffer.byteLength(String(issue.input))} bytes; production needs at least ${MIN_SECRET_BYTES} random bytes for ${name}; ${GENERATE}`,
    });
}

function httpUrl(raw: string): URL | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function databaseUrl(raw: string): string | { problem: string } {
  // The URL usually carries a password, so the message never repeats it.
  try {
    const { protocol } = new URL(raw);
    if (protocol === 'postgres:' || protocol === 'postgresql:') return raw;
  } catch {
    // Not a URL at all: reported below like any other scheme.
  }
  return {
    problem:
      'must be a postgres:// or postgresql:// URL (postgres://user:pass@host:5432/db); unset it for the in-memory store',
  };
}

function origins(raw: string): string[] | { problem: string } {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const bad: string[] = [];
  const normalised = items.map((item) => {
    const url = /^https?:\/\/[^/?#]+$/i.test(item) ? httpUrl(item) : null;
    if (url === null || url.username !== '' || url.password !== '') bad.push(item);
    // The browser's Origin header is lowercase with default ports dropped; `origin` matches it.
    return url?.origin ?? item;
  });
  if (bad.length === 0) return normalised;
  const list = bad.map((item) => `"${item}"`).join(', ');
  return {
    problem: `${list} ${bad.length === 1 ? 'is not an origin' : 'are not origins'}; list origins as scheme://host[:port] with no path or trailing slash, e.g. https://app.example.com,http://localhost:5173 (a "*" is not allowed with credentials)`,
  };
}

function proxies(raw: string): string[] | { problem: string } {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const bad = items.filter((item) => !isAddressOrCidr(item));
  if (bad.length === 0) return items;
  return {
    problem: `${bad.map((item) => `"${item}"`).join(', ')} ${bad.length === 1 ? 'is not an IP address or CIDR' : 'are not IP addresses or CIDRs'}; list the proxies' addresses, e.g. 10.0.0.0/8,192.168.1.10,::1; unset it when clients connect directly`,
  };
}

function isAddressOrCidr(item: string): boolean {
  const slash = item.indexOf('/');
  const address = slash === -1 ? item : item.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash === -1) return true;
  const bits = item.slice(slash + 1);
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

function eventKinds(raw: string): EventKindName[] | { problem: string } {
  const fix = `use a comma list of: ${EVENT_KIND_NAMES.join(', ')}; or unset it for the default ${DEFAULT_WEBHOOK_EVENTS.join(',')}`;
  try {
    const kinds = parseEventKindList(raw);
    return kinds.length > 0 ? kinds : { problem: `names no event kind; ${fix}` };
  } catch (error) {
    return { problem: `${(error as Error).message}; ${fix}` };
  }
}

function flag(fallback: boolean, unsetMeans: string) {
  return variable(fallback, (raw) =>
    raw === 'true' || raw === 'false'
      ? raw === 'true'
      : { problem: `must be true or false, got "${raw}"; unset it for the default (${unsetMeans})` },
  );
}

function readableFile(raw: string, what: string): string | { problem: string } {
  try {
    accessSync(raw, constants.R_OK);
    return raw;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return {
      problem: `cannot read the ${what} file "${raw}" (${code}); give the path of a readable PEM file`,
    };
  }
}

function host(raw: string): string | { problem: string } {
  // A host name, an IPv4 address or an IPv6 address; not a URL.
  if (/^[A-Za-z0-9.-]+$/.test(raw) || /^[0-9A-Fa-f:.]+$/.test(raw)) return raw;
  return {
    problem: `must be a host name or IP address such as 127.0.0.1 or 0.0.0.0 (not a URL), got "${raw}"`,
  };
}

function buildSchema(environment: Environment) {
  const enumOf = <T extends string>(values: readonly T[], fallback: T) =>
    variable<T>(fallback, (raw) =>
      (values as readonly string[]).includes(raw)
        ? (raw as T)
        : {
            problem: `must be one of ${values.join(', ')}, got "${raw}"; unset it for the default ${fallback}`,
          },
    );
  return z.object({
    PORT: integer(3000, 0, 65_535),
    HOST: variable(environment === 'production' ? '0.0.0.0' : '127.0.0.1', host),
    JWT_SECRET: secret(DEV_JWT_SECRET, environment, 'JWT_SECRET'),
    WORKER_TOKEN: secret(DEV_WORKER_TOKEN, environment, 'WORKER_TOKEN'),
    DATABASE_URL: variable<string | null>(null, databaseUrl),
    ALLOWED_ORIGINS: variable<string[]>([], origins),
    SSE_KEEPALIVE_SECS: integer(30, 1, 3600, ' seconds'),
    SSE_MAX_BUFFERED_BYTES: integer(1_048_576, 1024, 1_073_741_824, ' bytes'),
    SSE_MAX_STREAMS_PER_USER: integer(32, 1, 100_000, ' streams'),
    SSE_MAX_STREAMS: integer(50_000, 1, 10_000_000, ' streams'),
    EVENT_HISTORY_LIMIT: integer(100_000, 1, 100_000_000, ' events'),
    EVENT_HISTORY_BYTES: integer(268_435_456, 1, 1_099_511_627_776, ' bytes'),
    EVENT_RETENTION_HOURS: integer(168, 1, 87_600, ' hours'),
    DATABASE_TIMEOUT_MS: integer(5_000, 100, 600_000, ' ms'),
    WEBHOOK_URL: variable<string | null>(null, (raw) =>
      httpUrl(raw)
        ? raw
        : { problem: `must be an http:// or https:// URL, got "${raw}"; unset it to disable webhooks` },
    ),
    WEBHOOK_SECRET: variable<string | null>(null, (raw) => raw),
    WEBHOOK_EVENTS: variable<readonly EventKindName[]>(DEFAULT_WEBHOOK_EVENTS, eventKinds),
    LOG_LEVEL: enumOf(LOG_LEVELS, 'info'),
    ALLOW_SIGN_UP: flag(environment === 'development', 'open in development only'),
    IRONFLOW_ALLOW_MEMORY_STORE: flag(false, 'production refuses the in-memory store'),
    TLS_CERT_FILE: variable<string | null>(null, (raw) => readableFile(raw, 'certificate chain')),
    TLS_KEY_FILE: variable<string | null>(null, (raw) => readableFile(raw, 'private key')),
    RATE_LIMIT_AUTH: integer(10, 0, 1_000_000, ' attempts a minute (0 disables)'),
    TRUSTED_PROXIES: variable<string[]>([], proxies),
  });
}

type VariableName = keyof z.input<ReturnType<typeof buildSchema>> | 'IRONFLOW_ENV';
type RawEnv = Partial<Record<VariableName, string>>;

/** Checks that involve more than one variable; they run even when single values are wrong. */
function crossChecks(raw: RawEnv, environment: Environment, purpose: 'serve' | 'token'): string[] {
  const problems: string[] = [];
  if (
    purpose === 'serve' &&
    environment === 'production' &&
    raw.DATABASE_URL === undefined &&
    raw.IRONFLOW_ALLOW_MEMORY_STORE !== 'true'
  ) {
    // A production server on the in-memory store loses every user and event at its next restart,
    // and a second instance would not share them: refused unless the operator says so.
    problems.push(
      'DATABASE_URL: is required in production (without it every user and event lives in memory and is lost at the next restart); set DATABASE_URL=postgres://user:pass@host:5432/db, or IRONFLOW_ALLOW_MEMORY_STORE=true to accept the loss',
    );
  }
  if (environment === 'production' && raw.JWT_SECRET !== undefined && raw.JWT_SECRET === raw.WORKER_TOKEN) {
    // Whoever holds the worker token could otherwise mint admin access tokens.
    problems.push(`WORKER_TOKEN: must differ from JWT_SECRET; ${GENERATE}`);
  }
  if ((raw.TLS_CERT_FILE === undefined) !== (raw.TLS_KEY_FILE === undefined)) {
    const [set, unset] =
      raw.TLS_CERT_FILE === undefined ? ['TLS_KEY_FILE', 'TLS_CERT_FILE'] : ['TLS_CERT_FILE', 'TLS_KEY_FILE'];
    problems.push(
      `${unset}: is required when ${set} is set (HTTPS needs both the certificate chain and its private key, PEM); set ${unset}, or unset ${set} for plain HTTP`,
    );
  }
  if (raw.WEBHOOK_URL === undefined) {
    for (const name of ['WEBHOOK_SECRET', 'WEBHOOK_EVENTS'] as const) {
      if (raw[name] !== undefined)
        problems.push(`${name}: has no effect without WEBHOOK_URL; set WEBHOOK_URL or unset ${name}`);
    }
  }
  return problems;
}

/**
 * Reads and validates the server's configuration from `env` (docs/PROTOCOL.md section 5). An empty or blank
 * value counts as unset.
 *
 * With `purpose: 'token'` (the CLI's `ironflow token`), the checks that only concern a running
 * server (production without `DATABASE_URL`) are skipped.
 *
 * @throws ConfigError listing every invalid value at once, one line per problem.
 * @example
 * ```ts
 * const config = loadConfig(process.env);
 * ```
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): Config {
  const { purpose = 'serve' } = options;
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim() === '') continue;
    raw[name] = SECRETS.has(name) ? value : value.trim();
  }

  const problems: string[] = [];
  let environment: Environment = 'development';
  if (raw.IRONFLOW_ENV === 'production') environment = 'production';
  else if (raw.IRONFLOW_ENV !== undefined && raw.IRONFLOW_ENV !== 'development') {
    problems.push(
      `IRONFLOW_ENV: must be development or production, got "${raw.IRONFLOW_ENV}"; unset it for development`,
    );
  }

  const parsed = buildSchema(environment).safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  problems.push(...crossChecks(raw as RawEnv, environment, purpose));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);

  const v = parsed.data;
  return {
    environment,
    port: v.PORT,
    host: v.HOST,
    jwtSecret: v.JWT_SECRET,
    workerToken: v.WORKER_TOKEN,
    databaseUrl: v.DATABASE_URL,
    allowedOrigins: v.ALLOWED_ORIGINS,
    sse: {
      keepAliveSecs: v.SSE_KEEPALIVE_SECS,
      maxBufferedBytes: v.SSE_MAX_BUFFERED_BYTES,
      maxStreamsPerUser: v.SSE_MAX_STREAMS_PER_USER,
      maxStreams: v.SSE_MAX_STREAMS,
    },
    eventHistoryLimit: v.EVENT_HISTORY_LIMIT,
    eventHistoryBytes: v.EVENT_HISTORY_BYTES,
    eventRetentionHours: v.EVENT_RETENTION_HOURS,
    databaseTimeoutMs: v.DATABASE_TIMEOUT_MS,
    webhook: { url: v.WEBHOOK_URL, secret: v.WEBHOOK_SECRET, events: v.WEBHOOK_EVENTS },
    logLevel: v.LOG_LEVEL,
    allowSignUp: v.ALLOW_SIGN_UP,
    allowMemoryStore: v.IRONFLOW_ALLOW_MEMORY_STORE,
    tls:
      v.TLS_CERT_FILE !== null && v.TLS_KEY_FILE !== null
        ? { certFile: v.TLS_CERT_FILE, keyFile: v.TLS_KEY_FILE }
        : null,
    rateLimitAuth: v.RATE_LIMIT_AUTH,
    trustedProxies: v.TRUSTED_PROXIES,
  };
}
