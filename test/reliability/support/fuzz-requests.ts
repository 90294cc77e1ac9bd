import { createTokenService } from '@ironflow/auth';
import { EVENT_KINDS, exampleEvents } from '@ironflow/engine';
import fc from 'fast-check';
import { JWT_SECRET, WORKER_TOKEN } from './harness.js';
import type { RawRequest } from './raw-http.js';

// The fuzz's request generator: every route, right and wrong methods, odd paths and queries, every
// kind of credential, headers up to and past Node's 16 KiB limit, and bodies that are valid, invalid
// JSON, invalid UTF-8, nested 100 000 deep, or over the 2 MiB limit.

export const tokens = createTokenService({ secret: JWT_SECRET });
export const ADMIN = {
  userId: '0193a1f2-0000-7000-8000-0000000000a1',
  username: 'fuzz-admin',
  isAdmin: true,
};
const USERS = [
  { userId: '0193a1f2-0000-7000-8000-000000000001', username: 'u1', isAdmin: false },
  { userId: '0193a1f2-0000-7000-8000-000000000002', username: 'u2', isAdmin: false },
];
export const RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';

const ROUTES: readonly (readonly [string, string])[] = [
  ['GET', '/api/v1/events'],
  ['POST', '/api/v1/internal/events'],
  ['POST', `/api/v1/internal/runs/${RUN}/logs`],
  ['POST', '/api/v1/auth/sign-up'],
  ['POST', '/api/v1/auth/sign-in'],
  ['POST', '/api/v1/auth/refresh'],
  ['POST', '/api/v1/auth/sign-out'],
  ['GET', '/api/v1/auth/me'],
  ['GET', `/api/v1/runs/${RUN}/logs`],
  ['GET', '/api/v1/audit-logs'],
  ['GET', '/api/v1/health-check'],
  ['GET', '/metrics'],
  ['GET', '/'],
  ['GET', '/index.html'],
];

const nested = (open: string, close: string, depth: number, inner = '') =>
  open.repeat(depth) + inner + close.repeat(depth);

const uuidish = fc.oneof(fc.uuid(), fc.constantFrom(RUN, RUN.toUpperCase(), 'not-a-uuid', '', `${RUN}x`));
const bigText = fc.constantFrom(1_000, 10_000).map((n) => 'x'.repeat(n));

const queryValue = fc.oneof(
  uuidish,
  fc.array(fc.constantFrom(...EVENT_KINDS, 'nope', ' ', ''), { maxLength: 4 }).map((k) => k.join(',')),
  fc.constantFrom('earliest', 'abc-0000000000000001', 'abc-1', '%ZZ', '%00', '%E0%A4%A', ';', '../..'),
  fc.constantFrom(
    '0',
    '1',
    '100',
    '1000',
    '10001',
    '-1',
    '1e3',
    '2025-02-30T00:00:00Z',
    '0000-01-01T00:00:00Z',
  ),
  fc.constantFrom('2025-01-02T03:04:05.123456789+14:00', 'stderr', 'stdin', 'secrets_rotated'),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  bigText,
);
const query = fc.oneof(
  { arbitrary: fc.constant(''), weight: 3 },
  {
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(
              'run_id',
              'types',
              'last_event_id',
              'token',
              'access_token',
              'backlog',
              'limit',
              'cursor',
              'step_id',
              'stream',
              'page',
              'per_page',
              'event_type',
              'from',
              'to',
            ),
            fc.string({ maxLength: 6 }),
          ),
          queryValue,
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((pairs) => `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')}`),
    weight: 4,
  },
);

const pathFor = (route: string) =>
  fc.oneof(
    { arbitrary: fc.constant(route), weight: 8 },
    {
      arbitrary: fc.constantFrom(
        `${route}/`,
        `${route}/x`,
        `${route}%`,
        `${route}%2F..%2F..`,
        `/..${route}`,
        `/${route}`,
        route.toUpperCase(),
        route.replace(RUN, 'not-a-uuid'),
        route.replace(RUN, '%E0%A4%A'),
        route.replace(RUN, 'A'.repeat(5_000)),
        '/api/v1/internal/runs//logs',
        '/nope',
        '/api/v1',
        '/\u00ff\u00fe',
        '*',
      ),
      weight: 2,
    },
  );

const method = (own: string) =>
  fc.oneof(
    { arbitrary: fc.constant(own), weight: 8 },
    { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), weight: 3 },
    { arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'get', 'G\u0000T', 'CONNECT'), weight: 1 },
  );

const authorization = fc.oneof(
  { arbitrary: fc.constant(null), weight: 3 },
  { arbitrary: fc.constant(`Bearer ${WORKER_TOKEN}`), weight: 6 },
  { arbitrary: fc.constantFrom(...USERS, ADMIN).map((u) => `Bearer ${tokens.mintAccess(u)}`), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      `Bearer ${tokens.mintRefresh(ADMIN)}`,
      'Bearer ',
      'Bearer',
      `Basic ${Buffer.from(`worker:${WORKER_TOKEN}`).toString('base64')}`,
      `bearer ${WORKER_TOKEN.toUpperCase()}`,
      `Bearer ${WORKER_TOKEN}x`,
      `Bearer ${'a'.repeat(12_000)}`,
      'Bearer eyJhbGciOiJub25lIn0.e30.',
    ),
    weight: 2,
  },
  { arbitrary: fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`), weight: 1 },
);
const cookie = fc.oneof(
  { arbitrary: fc.constant(null), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      `ironflow_token=${tokens.mintAccess(USERS[0] as (typeof USERS)[0])}`,
      `ironflow_refresh=${tokens.mintRefresh(ADMIN)}`,
      'ironflow_token=garbage',
      'ironflow_token=',
      'a=b; ;;=;; ironflow_token',
      '%%%; ironflow_token=%E0',
    ),
    weight: 2,
  },
);
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      null,
      'application/json; charset=utf-8',
      'application/vnd.ironflow+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      ';;;',
    ),
    weight: 2,
  },
);
const filler = fc.oneof(
  { arbitrary: fc.constant(0), weight: 12 },
  { arbitrary: fc.constantFrom(1_000, 8_000, 15_000, 16_500, 20_000, 65_536), weight: 2 },
);
const oddHeaders = fc.oneof(
  { arbitrary: fc.constant([] as [string, string][]), weight: 6 },
  {
    arbitrary: fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom('Last-Event-ID', 'last-event-id'), queryValue),
        fc.tuple(fc.constant('X-Request-Id'), fc.oneof(fc.string({ maxLength: 200 }), bigText)),
        fc.tuple(fc.constant('Origin'), fc.constantFrom('https://evil.example', 'null')),
        fc.tuple(fc.constant('Accept-Encoding'), fc.constantFrom('gzip, br', '*', 'identity;q=0')),
        fc.tuple(fc.constant('X-Bin'), fc.constantFrom('\u00ff\u00fe', 'a\u0000b', 'tab\there')),
        fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), fc.string({ maxLength: 50 })),
      ),
      { maxLength: 3 },
    ),
    weight: 2,
  },
);

export const validEvent = fc
  .tuple(fc.constantFrom(...EVENT_KINDS), fc.uuid({ version: 4 }))
  .map(([kind, id]) => ({ ...exampleEvents[kind], run_id: id }) as Record<string, unknown>)
  .map((event) => (String(event.type).startsWith('user_') ? { ...event, run_id: undefined } : event));

const body = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  { arbitrary: validEvent.map((e) => Buffer.from(JSON.stringify(e))), weight: 5 },
  {
    arbitrary: fc
      .array(validEvent, { minLength: 1, maxLength: 5 })
      .map((a) => Buffer.from(JSON.stringify(a))),
    weight: 2,
  },
  {
    arbitrary: fc
      .record({
        step_id: uuidish,
        step_name: fc.constantFrom('build', ''),
        stream: fc.constantFrom('stdout', 'x'),
        lines: fc.array(fc.string(), { maxLength: 5 }),
      })
      .map((b) => Buffer.from(JSON.stringify(b))),
    weight: 2,
  },
  {
    arbitrary: fc
      .record({
        email: fc.emailAddress(),
        username: fc.stringMatching(/^[a-z]{3,10}$/),
        password: fc.constantFrom('correct horse', 'short'),
      })
      .map((b) => Buffer.from(JSON.stringify(b))),
    weight: 1,
  },
  { arbitrary: fc.json({ maxDepth: 3 }).map((j) => Buffer.from(j)), weight: 3 },
  { arbitrary: fc.string({ maxLength: 100 }).map((s) => Buffer.from(s)), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      Buffer.from([0x7b, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // {"type":"\xc3("}
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      Buffer.from('\ufeff{}'),
      Buffer.from(''),
      Buffer.from('   '),
      Buffer.from('null'),
      Buffer.from('[]'),
      Buffer.from(JSON.stringify(Array.from({ length: 1001 }, () => ({ type: 'run_created' })))),
      Buffer.from(JSON.stringify({ type: 'x'.repeat(100_000) })),
      Buffer.from(JSON.stringify({ lines: Array.from({ length: 1001 }, () => 'l') })),
    ),
    weight: 2,
  },
  {
    arbitrary: fc
      .constantFrom(10, 1_000, 100_000)
      .chain((depth) =>
        fc.constantFrom(
          Buffer.from(nested('[', ']', depth)),
          Buffer.from(nested('{"a":', '}', depth, '1')),
          Buffer.from(`{"type":${nested('[', ']', depth)}}`),
          Buffer.from(
            `{"type":"run_status_changed","run_id":"${RUN}","workflow_name":"w","from":"pending","to":"running","cost_usd":0,"duration_ms":0,"labels":{"a":${nested('[', ']', depth)}}}`,
          ),
          Buffer.from(`{"email":${nested('[', ']', depth)},"password":"x"}`),
        ),
      ),
    weight: 2,
  },
  {
    arbitrary: fc
      .constantFrom(2 * 1024 * 1024 + 1, 3 * 1024 * 1024)
      .map((size) => Buffer.from(`{"type":"log_line","line":"${'x'.repeat(size)}"}`)),
    weight: 1,
  },
);

export const fuzzRequest: fc.Arbitrary<RawRequest> = fc.constantFrom(...ROUTES).chain(([own, route]) =>
  fc
    .record({
      method: method(own),
      path: pathFor(route),
      query,
      authorization,
      cookie,
      contentType,
      filler,
      oddHeaders,
      body,
      chunked: fc.boolean(),
    })
    .map((r) => {
      const headers: [string, string][] = [];
      if (r.authorization !== null) headers.push(['Authorization', r.authorization]);
      if (r.cookie !== null) headers.push(['Cookie', r.cookie]);
      if (r.body !== null && r.contentType !== null) headers.push(['Content-Type', r.contentType]);
      if (r.filler > 0) headers.push(['X-Filler', 'f'.repeat(r.filler)]);
      headers.push(...r.oddHeaders);
      return { method: r.method, target: r.path + r.query, headers, body: r.body, chunked: r.chunked };
    }),
);
