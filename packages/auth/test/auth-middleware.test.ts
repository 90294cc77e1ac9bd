import { type AccessClaims, createAuthMiddleware, createTokenService } from '@ironflow/auth';
import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it } from 'vitest';
import { alice, bob, SECRET, unsignedToken } from './fixtures.js';
import { serve, type TestServer } from './serve.js';

const MISSING = '{"error":{"code":"MISSING_TOKEN","message":"No authentication token provided"}}';
const INVALID = '{"error":{"code":"INVALID_TOKEN","message":"Invalid or expired authentication token"}}';

const tokens = createTokenService({ secret: SECRET });
const aliceToken = tokens.mintAccess(alice);
const bobToken = tokens.mintAccess(bob);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const cookie = (token: string) => ({ Cookie: `theme=dark; ironflow_token=${token}` });

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<string> {
  server = await serve((app) => {
    app.use(createAuthMiddleware({ secret: SECRET }));
    app.use((ctx) => {
      if (ctx.path === '/boom') ctx.throw(418, 'downstream failure');
      ctx.body = { data: ctx.state.user, meta: null };
    });
  });
  return server.url;
}

async function expect401(response: Response, body: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await response.text()).toBe(body);
}

describe('createAuthMiddleware', () => {
  it('authenticates by Authorization: Bearer and exposes the claims on ctx.state.user', async () => {
    const url = await start();
    const response = await fetch(`${url}/me`, { headers: bearer(aliceToken) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: tokens.verify(aliceToken, 'access'), meta: null });
  });

  it('accepts the scheme in any case', async () => {
    const url = await start();
    const response = await fetch(url, { headers: { Authorization: `bearer ${aliceToken}` } });
    expect(response.status).toBe(200);
  });

  it('authenticates by the ironflow_token cookie', async () => {
    const url = await start();
    const response = await fetch(url, { headers: cookie(bobToken) });
    expect(((await response.json()) as { data: AccessClaims }).data.username).toBe('bob');
  });

  it('prefers the cookie over the header', async () => {
    const url = await start();
    const response = await fetch(url, { headers: { ...cookie(bobToken), ...bearer(aliceToken) } });
    expect(((await response.json()) as { data: AccessClaims }).data.username).toBe('bob');
  });

  it('rejects an invalid cookie even next to a valid header', async () => {
    const url = await start();
    await expect401(await fetch(url, { headers: { ...cookie('garbage'), ...bearer(aliceToken) } }), INVALID);
  });

  it('answers MISSING_TOKEN without a token, with a token only in the query, or with another scheme', async () => {
    const url = await start();
    await expect401(await fetch(url), MISSING);
    await expect401(await fetch(`${url}/?token=${aliceToken}&access_token=${aliceToken}`), MISSING);
    await expect401(await fetch(`${url}/?ironflow_token=${aliceToken}`), MISSING);
    await expect401(await fetch(url, { headers: { Authorization: `Basic ${aliceToken}` } }), MISSING);
    await expect401(await fetch(url, { headers: { Authorization: 'Bearer' } }), MISSING);
  });

  it('names the Bearer scheme on 401s', async () => {
    const url = await start();
    expect((await fetch(url)).headers.get('www-authenticate')).toBe('Bearer realm="ironflow"');
  });

  const payload = jwt.decode(aliceToken) as Record<string, unknown>;
  const { exp: _exp, ...withoutExp } = payload;
  const [head, body, signature] = aliceToken.split('.') as [string, string, string];
  const badTokens: Record<string, string> = {
    expired: createTokenService({ secret: SECRET, now: () => new Date(Date.now() - 901_000) }).mintAccess(
      alice,
    ),
    'refresh token': tokens.mintRefresh(alice),
    'other secret': createTokenService({ secret: 'not-the-secret' }).mintAccess(alice),
    HS512: jwt.sign(payload, SECRET, { algorithm: 'HS512' }),
    'alg none': unsignedToken(payload),
    'no exp': jwt.sign(withoutExp, SECRET, { algorithm: 'HS256' }),
    'no username': jwt.sign({ ...payload, username: undefined }, SECRET, { algorithm: 'HS256' }),
    'tampered signature': `${head}.${body}.${signature.split('').reverse().join('')}`,
    malformed: 'not.a.jwt',
    'not even dotted': 'garbage',
  };

  for (const [name, token] of Object.entries(badTokens)) {
    it(`answers INVALID_TOKEN for a bad token: ${name}`, async () => {
      const url = await start();
      await expect401(await fetch(url, { headers: bearer(token) }), INVALID);
      await expect401(await fetch(url, { headers: cookie(token) }), INVALID);
    });
  }

  it('lets errors thrown further down pass through untouched', async () => {
    const url = await start();
    const response = await fetch(`${url}/boom`, { headers: bearer(aliceToken) });
    expect(response.status).toBe(418);
  });

  it('refuses to run when ctx.state.secret would override the configured secret', async () => {
    server = await serve((app) => {
      app.use(async (ctx, next) => {
        ctx.state.secret = 'attacker-chosen';
        await next();
      });
      app.use(createAuthMiddleware({ secret: SECRET }));
      app.use((ctx) => {
        ctx.body = 'reached';
      });
    });
    const forged = createTokenService({ secret: 'attacker-chosen' }).mintAccess(alice);
    const response = await fetch(server.url, { headers: bearer(forged) });
    expect(response.status).toBe(500);
  });

  it('rejects an empty secret when built', () => {
    expect(() => createAuthMiddleware({ secret: '' })).toThrow(/secret must be a non-empty string/);
  });
});
