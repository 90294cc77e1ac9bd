import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_SECRET, WORKER_TOKEN } from './support/harness.js';
import { type InProcessServer, startInProcess } from './support/in-process.js';
import { encodeRequest, sendRaw } from './support/raw-http.js';
import { SseReader } from './support/sse-reader.js';

// One row per attack on the stream route's access token and on the ingest routes' worker token.
// Privacy of user_* events is proven in packages/api/test/privacy.test.ts and not repeated here.
const USER_A = '0193a1f2-0000-7000-8000-00000000000a';
const USER_B = '0193a1f2-0000-7000-8000-00000000000b';
const NOW = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = NOW();
  return {
    sub: USER_A,
    user_id: USER_A,
    jti: '0193a1f2-1111-7000-8000-000000000001',
    iat,
    exp: iat + 900,
    typ: 'access',
    username: 'alice',
    is_admin: true,
    ...overrides,
  };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** Signs any header and payload with an HMAC over the secret, whatever `alg` the header names. */
function hmacToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret = JWT_SECRET,
  hash = 'sha256',
): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac(hash, secret).update(body).digest('base64url')}`;
}

function rs256Token(payload: Record<string, unknown>): string {
  const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${body}.${sign('sha256', Buffer.from(body), privateKey).toString('base64url')}`;
}

const valid = () => hmacToken({ alg: 'HS256', typ: 'JWT' }, claims());
const without = (name: string) => {
  const c = claims();
  delete c[name];
  return hmacToken({ alg: 'HS256', typ: 'JWT' }, c);
};

const INVALID = { error: { code: 'INVALID_TOKEN', message: 'Invalid or expired authentication token' } };
const MISSING = { error: { code: 'MISSING_TOKEN', message: 'No authentication token provided' } };

const accessAttacks: readonly (readonly [string, () => Record<string, string>, unknown])[] = [
  [
    'alg none',
    () => ({ authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.` }),
    INVALID,
  ],
  [
    'alg None with a signature',
    () => ({ authorization: `Bearer ${hmacToken({ alg: 'None' }, claims())}` }),
    INVALID,
  ],
  [
    'HS512 with the secret',
    () => ({
      authorization: `Bearer ${hmacToken({ alg: 'HS512', typ: 'JWT' }, claims(), JWT_SECRET, 'sha512')}`,
    }),
    INVALID,
  ],
  [
    'HS384 with the secret',
    () => ({
      authorization: `Bearer ${hmacToken({ alg: 'HS384', typ: 'JWT' }, claims(), JWT_SECRET, 'sha384')}`,
    }),
    INVALID,
  ],
  [
    'RS256 header, HMAC signature with the secret as key',
    () => ({ authorization: `Bearer ${hmacToken({ alg: 'RS256', typ: 'JWT' }, claims())}` }),
    INVALID,
  ],
  ['RS256 signed with an attacker key', () => ({ authorization: `Bearer ${rs256Token(claims())}` }), INVALID],
  [
    'signature stripped',
    () => ({ authorization: `Bearer ${valid().split('.').slice(0, 2).join('.')}.` }),
    INVALID,
  ],
  [
    'signature of another token',
    () => {
      const other = hmacToken({ alg: 'HS256', typ: 'JWT' }, claims({ is_admin: false }));
      const [h, p] = valid().split('.');
      return { authorization: `Bearer ${h}.${p}.${other.split('.')[2]}` };
    },
    INVALID,
  ],
  [
    'payload altered after signing (is_admin flipped)',
    () => {
      const [h, , s] = hmacToken({ alg: 'HS256', typ: 'JWT' }, claims({ is_admin: false })).split('.');
      return { authorization: `Bearer ${h}.${b64(claims({ is_admin: true }))}.${s}` };
    },
    INVALID,
  ],
  [
    'expired',
    () => ({
      authorization: `Bearer ${hmacToken({ alg: 'HS256' }, claims({ iat: NOW() - 1000, exp: NOW() - 1 }))}`,
    }),
    INVALID,
  ],
  // docs/PROTOCOL.md §6 is silent on nbf; jsonwebtoken checks it and we keep that: a token not valid yet is refused.
  [
    'not yet valid (nbf in the future)',
    () => ({ authorization: `Bearer ${hmacToken({ alg: 'HS256' }, claims({ nbf: NOW() + 600 }))}` }),
    INVALID,
  ],
  [
    'typ refresh used as access',
    () => ({ authorization: `Bearer ${hmacToken({ alg: 'HS256' }, claims({ typ: 'refresh' }))}` }),
    INVALID,
  ],
  ...['exp', 'iat', 'sub', 'user_id', 'jti', 'typ', 'username', 'is_admin'].map(
    (name) => [`missing ${name}`, () => ({ authorization: `Bearer ${without(name)}` }), INVALID] as const,
  ),
  [
    'user_id not matching sub',
    () => ({ authorization: `Bearer ${hmacToken({ alg: 'HS256' }, claims({ user_id: USER_B }))}` }),
    INVALID,
  ],
  [
    'exp as a string',
    () => ({ authorization: `Bearer ${hmacToken({ alg: 'HS256' }, claims({ exp: String(NOW() + 900) }))}` }),
    INVALID,
  ],
  [
    'signed with another secret',
    () => ({ authorization: `Bearer ${hmacToken({ alg: 'HS256' }, claims(), `${JWT_SECRET}x`)}` }),
    INVALID,
  ],
  ['a valid token with junk appended', () => ({ authorization: `Bearer ${valid()}.x` }), INVALID],
  [
    'a bad cookie next to a valid header',
    () => ({ cookie: 'ironflow_token=garbage', authorization: `Bearer ${valid()}` }),
    INVALID,
  ],
  ['Basic scheme carrying a valid token', () => ({ authorization: `Basic ${valid()}` }), MISSING],
];

describe('JWT attacks on GET /api/v1/events', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess();
  });
  afterAll(async () => {
    await server.close();
  });

  it('accepts the honest token the attacks start from', async () => {
    const reader = await SseReader.open(`${server.url}/api/v1/events`, {
      authorization: `Bearer ${valid()}`,
    });
    expect(reader.status).toBe(200);
    reader.close();
  });

  it.each(accessAttacks)('refuses %s with 401', async (_name, headers, body) => {
    const response = await fetch(`${server.url}/api/v1/events`, { headers: headers() });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(body);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="ironflow"/);
  });

  it.each(['token', 'access_token', 'jwt', 'ironflow_token'])(
    'never reads a token from the query string (?%s=)',
    async (name) => {
      const response = await fetch(`${server.url}/api/v1/events?${name}=${valid()}`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(MISSING);
    },
  );

  it('answers a 64 KiB token with 431 (Node refuses the head), never a 5xx', async () => {
    const response = await sendRaw(
      server.url,
      encodeRequest({
        method: 'GET',
        target: '/api/v1/events',
        headers: [['Authorization', `Bearer ${valid()}${'A'.repeat(64 * 1024)}`]],
      }),
    );
    expect(response.status).toBe(431);
    const underLimit = await fetch(`${server.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${'A'.repeat(12 * 1024)}` },
    });
    expect(underLimit.status).toBe(401);
  });

  it('lets the cookie win when cookie and header name different users', async () => {
    // Cookie: non-admin user A. Header: admin B. A user event of B must not reach this stream.
    const cookieToken = hmacToken({ alg: 'HS256' }, claims({ is_admin: false }));
    const headerToken = hmacToken(
      { alg: 'HS256' },
      claims({ sub: USER_B, user_id: USER_B, username: 'bob', is_admin: true }),
    );
    const reader = await SseReader.open(`${server.url}/api/v1/events?types=user_signed_in`, {
      cookie: `ironflow_token=${cookieToken}`,
      authorization: `Bearer ${headerToken}`,
    });
    expect(reader.status).toBe(200);
    await server.log.append([
      { type: 'user_signed_in', user_id: USER_B, username: 'bob' },
      { type: 'user_signed_in', user_id: USER_A, username: 'alice' },
    ]);
    await reader.waitFor(() => reader.messages.length >= 1, 'the user event of A');
    expect(reader.messages.map((m) => JSON.parse(m.data).user_id)).toEqual([USER_A]);
    reader.close();
  });
});

describe('worker-token attacks on the ingest routes', () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess();
  });
  afterAll(async () => {
    await server.close();
  });

  const event = JSON.stringify({
    type: 'run_created',
    run_id: '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d',
    workflow_name: 'w',
  });
  const logs = JSON.stringify({
    step_id: '0193a1f2-8000-7000-8000-000000000001',
    step_name: 's',
    stream: 'stdout',
    lines: ['x'],
  });
  const routes = [
    ['/api/v1/internal/events', event],
    ['/api/v1/internal/runs/0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d/logs', logs],
  ] as const;
  const attacks: readonly (readonly [string, Record<string, string>])[] = [
    ['no credentials', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token' }],
    ['a prefix of the token', { authorization: `Bearer ${WORKER_TOKEN.slice(0, -1)}` }],
    ['the token with a suffix', { authorization: `Bearer ${WORKER_TOKEN}x` }],
    ['the token in another case', { authorization: `Bearer ${WORKER_TOKEN.toUpperCase()}` }],
    ['an empty Bearer', { authorization: 'Bearer ' }],
    [
      'the Basic scheme',
      { authorization: `Basic ${Buffer.from(`worker:${WORKER_TOKEN}`).toString('base64')}` },
    ],
    ['the Basic scheme with the raw token', { authorization: `Basic ${WORKER_TOKEN}` }],
    ['the token as a cookie', { cookie: `ironflow_token=${WORKER_TOKEN}` }],
    ['a user access token', { authorization: `Bearer ${valid()}` }],
    ['the JWT secret', { authorization: `Bearer ${JWT_SECRET}` }],
  ];

  for (const [path, body] of routes) {
    it.each(attacks)(
      `refuses ${path.includes('logs') ? 'the logs route' : 'the events route'} with %s: 401, nothing stored`,
      async (_name, headers) => {
        const before = (await server.log.bounds()).headSeq;
        const response = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({
          error: { code: 'INVALID_WORKER_TOKEN', message: 'Invalid or missing worker token' },
        });
        expect((await server.log.bounds()).headSeq).toBe(before);
      },
    );
  }

  it('never reads the worker token from the query string', async () => {
    const response = await fetch(
      `${server.url}/api/v1/internal/events?token=${WORKER_TOKEN}&worker_token=${WORKER_TOKEN}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: event,
      },
    );
    expect(response.status).toBe(401);
  });
});
