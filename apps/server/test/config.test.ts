import { describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../src/config.js';
import { ConfigError } from '../src/config-error.js';
import { DEV_JWT_SECRET, DEV_WORKER_TOKEN } from '../src/dev-defaults.js';

const STRONG_JWT = 'j'.repeat(48);
const STRONG_WORKER = 'w'.repeat(48);
const PROD = {
  IRONFLOW_ENV: 'production',
  JWT_SECRET: STRONG_JWT,
  WORKER_TOKEN: STRONG_WORKER,
  DATABASE_URL: 'postgres://ironflow@db:5432/ironflow',
};

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has docs/PROTOCOL.md defaults in development', () => {
    expect(loadConfig({})).toEqual({
      environment: 'development',
      port: 3000,
      host: '127.0.0.1',
      jwtSecret: DEV_JWT_SECRET,
      workerToken: DEV_WORKER_TOKEN,
      databaseUrl: null,
      allowedOrigins: [],
      sse: { keepAliveSecs: 30, maxBufferedBytes: 1_048_576, maxStreamsPerUser: 32, maxStreams: 50_000 },
      eventHistoryLimit: 100_000,
      eventHistoryBytes: 268_435_456,
      eventRetentionHours: 168,
      databaseTimeoutMs: 5_000,
      webhook: { url: null, secret: null, events: ['run_status_changed', 'step_failed'] },
      logLevel: 'info',
      allowSignUp: true,
      allowMemoryStore: false,
      tls: null,
      rateLimitAuth: 10,
      trustedProxies: [],
    } satisfies Config);
  });

  it('binds to all interfaces and closes sign-up by default in production', () => {
    const config = loadConfig(PROD);
    expect(config.host).toBe('0.0.0.0');
    expect(config.allowSignUp).toBe(false);
    expect(config.jwtSecret).toBe(STRONG_JWT);
  });

  it('treats empty and blank values as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '  ', LOG_LEVEL: '', JWT_SECRET: '' })).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'info',
      jwtSecret: DEV_JWT_SECRET,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '::1',
      DATABASE_URL: 'postgresql://u:p@db:5432/ironflow',
      ALLOWED_ORIGINS: ' https://App.Example.com , http://localhost:5173,,https://a.example:443',
      SSE_KEEPALIVE_SECS: '15',
      SSE_MAX_BUFFERED_BYTES: '65536',
      SSE_MAX_STREAMS_PER_USER: '4',
      SSE_MAX_STREAMS: '100',
      EVENT_HISTORY_LIMIT: '10',
      EVENT_HISTORY_BYTES: '65536',
      EVENT_RETENTION_HOURS: '24',
      DATABASE_TIMEOUT_MS: '1500',
      WEBHOOK_URL: 'https://hooks.example.com/ironflow',
      WEBHOOK_SECRET: 's3cret',
      WEBHOOK_EVENTS: 'run_created, step_failed',
      LOG_LEVEL: 'debug',
      ALLOW_SIGN_UP: 'false',
      RATE_LIMIT_AUTH: '0',
      TRUSTED_PROXIES: ' 10.0.0.0/8, 192.168.1.10 ,::1,fd00::/8',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '::1',
      databaseUrl: 'postgresql://u:p@db:5432/ironflow',
      allowedOrigins: ['https://app.example.com', 'http://localhost:5173', 'https://a.example'],
      sse: { keepAliveSecs: 15, maxBufferedBytes: 65_536, maxStreamsPerUser: 4, maxStreams: 100 },
      eventHistoryLimit: 10,
      eventHistoryBytes: 65_536,
      eventRetentionHours: 24,
      databaseTimeoutMs: 1_500,
      webhook: {
        url: 'https://hooks.example.com/ironflow',
        secret: 's3cret',
        events: ['run_created', 'step_failed'],
      },
      logLevel: 'debug',
      allowSignUp: false,
      rateLimitAuth: 0,
      trustedProxies: ['10.0.0.0/8', '192.168.1.10', '::1', 'fd00::/8'],
    });
  });

  it.each([
    ['IRONFLOW_ENV', 'prod', 'must be development or production'],
    ['PORT', 'abc', 'PORT: must be a whole number from 0 to 65535, got "abc"'],
    ['PORT', '65536', 'from 0 to 65535'],
    ['PORT', '-1', 'from 0 to 65535'],
    ['PORT', '30.5', 'whole number'],
    ['PORT', '1e3', 'whole number'],
    ['HOST', 'http://localhost', 'not a URL'],
    ['DATABASE_TIMEOUT_MS', '50', 'DATABASE_TIMEOUT_MS: must be a whole number from 100 to 600000 ms'],
    ['DATABASE_URL', 'mysql://u:p@db/x', 'must be a postgres:// or postgresql:// URL'],
    ['DATABASE_URL', 'not a url', 'must be a postgres:// or postgresql:// URL'],
    ['ALLOWED_ORIGINS', 'https://a.example/app', '"https://a.example/app" is not an origin'],
    ['ALLOWED_ORIGINS', 'https://a.example/', 'is not an origin'],
    ['ALLOWED_ORIGINS', '*', 'is not an origin'],
    ['ALLOWED_ORIGINS', 'ftp://a.example', 'is not an origin'],
    ['SSE_KEEPALIVE_SECS', '0', 'from 1 to 3600'],
    ['SSE_MAX_BUFFERED_BYTES', '10', 'from 1024 to'],
    ['SSE_MAX_STREAMS_PER_USER', '0', 'from 1 to'],
    ['SSE_MAX_STREAMS', 'many', 'whole number'],
    ['EVENT_HISTORY_LIMIT', '0', 'from 1 to'],
    ['EVENT_RETENTION_HOURS', '1.5', 'whole number'],
    ['WEBHOOK_URL', 'hooks.example.com', 'must be an http:// or https:// URL'],
    ['LOG_LEVEL', 'verbose', 'must be one of fatal, error, warn, info, debug, trace, silent'],
    ['ALLOW_SIGN_UP', 'yes', 'must be true or false'],
    ['RATE_LIMIT_AUTH', '-1', 'whole number'],
    ['TRUSTED_PROXIES', 'proxy.internal', '"proxy.internal" is not an IP address or CIDR'],
    ['TRUSTED_PROXIES', '10.0.0.0/33', 'is not an IP address or CIDR'],
    ['TRUSTED_PROXIES', '::1/129,1.2.3.4/x', 'are not IP addresses or CIDRs'],
  ])('rejects %s=%j', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
    expect(problems[0]).toContain(message);
  });

  it('rejects an unknown webhook kind with the engine message and the list of kinds', () => {
    const [problem] = problemsOf({ WEBHOOK_URL: 'https://h.example', WEBHOOK_EVENTS: 'run_created,foo' });
    expect(problem).toContain('WEBHOOK_EVENTS: unknown event kind: foo');
    expect(problem).toContain('run_status_changed');
  });

  it('never repeats a database password in a message', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://user:hunter2@db/x' });
    expect(problem).not.toContain('hunter2');
  });

  it('lists every problem at once, one per line, in a single error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud', SSE_MAX_STREAMS: '0', WEBHOOK_SECRET: 'k' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'PORT',
      'SSE_MAX_STREAMS',
      'LOG_LEVEL',
      'WEBHOOK_SECRET',
    ]);
    expect(message.split('\n')).toHaveLength(1 + problems.length);
    expect(message).toMatch(/^invalid configuration \(4 problems\):\n {2}- PORT: /);
  });

  describe('in production', () => {
    it('requires both secrets, and still reports the other problems', () => {
      const problems = problemsOf({ IRONFLOW_ENV: 'production', PORT: 'x' });
      expect(problems).toEqual([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^JWT_SECRET: is required in production; generate one with/),
        expect.stringMatching(/^WORKER_TOKEN: is required in production; generate one with/),
        expect.stringMatching(/^DATABASE_URL: is required in production \(without it every user and event/),
      ]);
    });

    it('refuses the in-memory store unless IRONFLOW_ALLOW_MEMORY_STORE=true', () => {
      const { DATABASE_URL: _, ...memory } = PROD;
      expect(problemsOf(memory)).toEqual([
        expect.stringMatching(
          /^DATABASE_URL: is required in production .*; set DATABASE_URL=postgres:.*, or IRONFLOW_ALLOW_MEMORY_STORE=true to accept the loss$/,
        ),
      ]);
      expect(problemsOf({ ...memory, IRONFLOW_ALLOW_MEMORY_STORE: 'false' })).toHaveLength(1);
      expect(problemsOf({ ...memory, IRONFLOW_ALLOW_MEMORY_STORE: 'yes' })).toEqual([
        expect.stringMatching(/^IRONFLOW_ALLOW_MEMORY_STORE: must be true or false, got "yes"/),
        expect.stringMatching(/^DATABASE_URL: is required in production/),
      ]);
      expect(loadConfig({ ...memory, IRONFLOW_ALLOW_MEMORY_STORE: 'true' })).toMatchObject({
        databaseUrl: null,
        allowMemoryStore: true,
      });
      // `ironflow token` needs only the secrets.
      expect(loadConfig(memory, { purpose: 'token' }).databaseUrl).toBeNull();
    });

    it.each([
      ['JWT_SECRET', 'short', 'is 5 bytes; production needs at least 32'],
      ['JWT_SECRET', 'x'.repeat(31), 'is 31 bytes'],
      ['WORKER_TOKEN', 'short', 'is 5 bytes'],
      ['JWT_SECRET', DEV_JWT_SECRET, 'is a public development default'],
      ['WORKER_TOKEN', DEV_WORKER_TOKEN, 'is a public development default'],
      ['WORKER_TOKEN', DEV_JWT_SECRET, 'is a public development default'],
    ])('rejects %s=%j', (name, value, message) => {
      const problems = problemsOf({ ...PROD, [name]: value });
      expect(problems).toEqual([expect.stringContaining(`${name}: ${message}`)]);
    });

    it('never echoes a secret', () => {
      const problems = problemsOf({ ...PROD, JWT_SECRET: 'tiny-secret' });
      expect(problems.join('\n')).not.toContain('tiny-secret');
    });

    it('counts bytes, not characters', () => {
      expect(loadConfig({ ...PROD, JWT_SECRET: 'é'.repeat(16) }).jwtSecret).toBe('é'.repeat(16));
    });

    it('refuses the same value for JWT_SECRET and WORKER_TOKEN', () => {
      expect(problemsOf({ ...PROD, WORKER_TOKEN: STRONG_JWT })).toEqual([
        expect.stringMatching(/^WORKER_TOKEN: must differ from JWT_SECRET/),
      ]);
    });

    it('accepts explicit HOST and ALLOW_SIGN_UP', () => {
      expect(loadConfig({ ...PROD, HOST: '10.0.0.5', ALLOW_SIGN_UP: 'true' })).toMatchObject({
        host: '10.0.0.5',
        allowSignUp: true,
      });
    });
  });

  it('accepts any development secret as given, without trimming', () => {
    expect(loadConfig({ JWT_SECRET: ' short ' }).jwtSecret).toBe(' short ');
  });
});
