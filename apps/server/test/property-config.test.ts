import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/config-error.js';

const SEED = 20_260_505;

/** For each variable: values it must accept and values it must refuse with exactly one problem. */
const VARIABLES: Readonly<Record<string, { good: readonly string[]; bad: readonly string[] }>> = {
  IRONFLOW_ENV: { good: ['development'], bad: ['prod', 'Production', 'test'] },
  PORT: { good: ['0', '3000', '65535'], bad: ['-1', '65536', 'abc', '3.5', '0x10', '1e3', '٣'] },
  HOST: { good: ['127.0.0.1', '0.0.0.0', '::1', 'localhost'], bad: ['http://x', 'a b', 'host/path'] },
  DATABASE_URL: {
    good: ['postgres://u:p@h:5432/db', 'postgresql://h/db'],
    bad: ['mysql://x', 'nope', 'postgres'],
  },
  ALLOWED_ORIGINS: {
    good: ['https://a.example.com', 'http://localhost:5173, https://b.example'],
    bad: ['https://a.com/', '*', 'ftp://x', 'https://user:pw@a.com'],
  },
  SSE_KEEPALIVE_SECS: { good: ['1', '30', '3600'], bad: ['0', '3601', '-5', 'ten'] },
  SSE_MAX_BUFFERED_BYTES: { good: ['1024', '1048576'], bad: ['1023', '1073741825', '1MiB'] },
  SSE_MAX_STREAMS_PER_USER: { good: ['1', '32'], bad: ['0', '100001'] },
  SSE_MAX_STREAMS: { good: ['1', '50000'], bad: ['0', '10000001', '5e4'] },
  EVENT_HISTORY_LIMIT: { good: ['1', '100000'], bad: ['0', '100000001'] },
  EVENT_HISTORY_BYTES: { good: ['1', '268435456'], bad: ['0', '1099511627777', '256MiB'] },
  EVENT_RETENTION_HOURS: { good: ['1', '168'], bad: ['0', '87601'] },
  WEBHOOK_URL: {
    good: ['https://hooks.example.com/x', 'http://127.0.0.1:9/h'],
    bad: ['ftp://x', 'not a url'],
  },
  WEBHOOK_EVENTS: {
    good: ['run_created', 'step_failed, run_failed'],
    bad: ['nope', ',', 'run_created,bogus'],
  },
  LOG_LEVEL: { good: ['info', 'silent', 'trace'], bad: ['loud', 'INFO', 'warning'] },
  ALLOW_SIGN_UP: { good: ['true', 'false'], bad: ['yes', 'TRUE', '1'] },
  IRONFLOW_ALLOW_MEMORY_STORE: { good: ['true', 'false'], bad: ['yes', 'on'] },
  RATE_LIMIT_AUTH: { good: ['0', '10', '1000000'], bad: ['-1', '1000001', 'ten'] },
  TRUSTED_PROXIES: {
    good: ['10.0.0.1', '10.0.0.0/8,::1', 'fd00::/8'],
    bad: ['x', '1.2.3.4/40', '300.1.1.1'],
  },
};
const NAMES = Object.keys(VARIABLES);

function loadOrConfigError(env: NodeJS.ProcessEnv): ReturnType<typeof loadConfig> | ConfigError {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error;
  }
}

const padding = fc.stringMatching(/^[ \t]{0,2}$/);

describe('loadConfig, property-based', () => {
  it('on any environment map returns a config or throws ConfigError, never anything else', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom(
        ...NAMES.flatMap((name) => [...(VARIABLES[name]?.good ?? []), ...(VARIABLES[name]?.bad ?? [])]),
      ),
      fc.constantFrom('production', 'postgres://x', ' ', '', '9'.repeat(400)),
    );
    const env = fc.dictionary(
      fc.oneof(
        fc.constantFrom(...NAMES, 'JWT_SECRET', 'WORKER_TOKEN', 'WEBHOOK_SECRET'),
        fc.string({ maxLength: 10 }),
      ),
      value,
      { maxKeys: 12 },
    );
    fc.assert(
      fc.property(env, (vars) => {
        const result = loadOrConfigError(vars);
        if (result instanceof ConfigError) {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) expect(problem).toMatch(/^[A-Z_]+: \S/);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('lists every bad variable once, whatever the mix of good, padded and bad values', () => {
    const choice = fc.record(
      Object.fromEntries(
        NAMES.map((name) => [
          name,
          fc.oneof(
            fc.constant({ kind: 'unset' as const, value: '' }),
            fc
              .tuple(padding, fc.constantFrom(...(VARIABLES[name]?.good ?? [])), padding)
              .map(([a, v, b]) => ({
                kind: 'good' as const,
                value: `${a}${v}${b}`,
              })),
            fc
              .constantFrom(...(VARIABLES[name]?.bad ?? []))
              .map((value) => ({ kind: 'bad' as const, value })),
          ),
        ]),
      ),
    );
    fc.assert(
      fc.property(choice, (chosen) => {
        const env: Record<string, string> = {};
        for (const [name, { kind, value }] of Object.entries(chosen)) if (kind !== 'unset') env[name] = value;
        // WEBHOOK_EVENTS alone is a (cross-variable) problem of its own; give it a URL.
        if (env.WEBHOOK_EVENTS !== undefined && env.WEBHOOK_URL === undefined)
          env.WEBHOOK_URL = 'https://h.example';
        const bad = Object.entries(chosen)
          .filter(([, { kind }]) => kind === 'bad')
          .map(([name]) => name)
          .sort();
        const result = loadOrConfigError(env);
        if (bad.length === 0) {
          expect(result).not.toBeInstanceOf(ConfigError);
          return;
        }
        if (!(result instanceof ConfigError)) throw new Error(`accepted ${JSON.stringify(env)}`);
        const named = result.problems.map((problem) => problem.slice(0, problem.indexOf(':'))).sort();
        expect(named).toEqual(bad);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('in production names JWT_SECRET and WORKER_TOKEN exactly when they are short, absent, equal or the dev defaults', () => {
    const secret = fc.oneof(
      fc.constant(undefined),
      fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
      fc.string({ minLength: 32, maxLength: 64 }),
    );
    fc.assert(
      fc.property(secret, secret, (jwtSecret, workerToken) => {
        const env: Record<string, string> = {
          IRONFLOW_ENV: 'production',
          IRONFLOW_ALLOW_MEMORY_STORE: 'true',
        };
        if (jwtSecret !== undefined) env.JWT_SECRET = jwtSecret;
        if (workerToken !== undefined) env.WORKER_TOKEN = workerToken;
        const result = loadOrConfigError(env);
        const weak = (s: string | undefined) =>
          s === undefined || s.trim() === '' || Buffer.byteLength(s) < 32;
        const expectBad = new Set<string>();
        if (weak(jwtSecret)) expectBad.add('JWT_SECRET');
        if (weak(workerToken)) expectBad.add('WORKER_TOKEN');
        if (jwtSecret !== undefined && jwtSecret.trim() !== '' && jwtSecret === workerToken)
          expectBad.add('WORKER_TOKEN');
        const named =
          result instanceof ConfigError
            ? new Set(result.problems.map((problem) => problem.slice(0, problem.indexOf(':'))))
            : new Set<string>();
        expect([...named].sort()).toEqual([...expectBad].sort());
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});
