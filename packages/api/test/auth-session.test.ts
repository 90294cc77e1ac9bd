import { createTokenService } from '@ironflow/auth';
import { describe, expect, it } from 'vitest';
import { JWT_SECRET, type TestServer, useTestServers } from './support/test-server.js';

const server = useTestServers();

const call = (
  srv: TestServer,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
) =>
  fetch(`${srv.url}/api/v1/auth/${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const ADA = { email: 'ada@example.com', username: 'ada', password: 'correct horse battery' };
const MISSING_TOKEN = { error: { code: 'MISSING_TOKEN', message: 'No authentication token provided' } };
const INVALID_TOKEN = {
  error: { code: 'INVALID_TOKEN', message: 'Invalid or expired authentication token' },
};
const CLEARED = [
  'ironflow_token=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax',
  'ironflow_refresh=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax',
];

interface SessionBody {
  data: {
    user: { id: string; email: string; username: string; is_admin: boolean; created_at: string };
    access_token: string;
    expires_in: number;
  };
  meta: null;
}

/** The `name=value` pairs of a response's Set-Cookie headers, keyed by name. */
function cookieValues(response: Response): Record<string, string> {
  const values: Record<string, string> = {};
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0] as string;
    const eq = pair.indexOf('=');
    values[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return values;
}

async function signedUp(options?: Parameters<typeof server>[0]) {
  const srv = await server(options);
  const response = await call(srv, 'POST', 'sign-up', {}, ADA);
  expect(response.status).toBe(201);
  const body = (await response.json()) as SessionBody;
  const cookies = cookieValues(response);
  return {
    srv,
    user: body.data.user,
    access: cookies.ironflow_token as string,
    refresh: cookies.ironflow_refresh as string,
  };
}

const eventsAfterSignUp = async (srv: TestServer) =>
  (await srv.log.read({ afterSeq: 1, limit: 1000 })).map((stored) => stored.event);

describe('POST /api/v1/auth/refresh', () => {
  it('trades the refresh cookie for a new access token and a rotated refresh token', async () => {
    const { srv, user, access, refresh } = await signedUp();
    const response = await call(srv, 'POST', 'refresh', { cookie: `ironflow_refresh=${refresh}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as SessionBody;
    expect(body).toEqual({ data: { user, access_token: expect.any(String), expires_in: 900 }, meta: null });
    const cookies = response.headers.getSetCookie();
    expect(cookies[0]).toBe(
      `ironflow_token=${body.data.access_token}; Max-Age=900; Path=/; HttpOnly; SameSite=Lax`,
    );
    expect(cookies[1]).toMatch(/^ironflow_refresh=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
    const fresh = cookieValues(response);
    expect(fresh.ironflow_token).not.toBe(access);
    expect(fresh.ironflow_refresh).not.toBe(refresh);
    const accessClaims = srv.tokens.verify(body.data.access_token, 'access');
    expect(accessClaims).toMatchObject({ user_id: user.id, username: 'ada', is_admin: true });
    expect(srv.tokens.verify(fresh.ironflow_refresh as string, 'refresh').user_id).toBe(user.id);
    // Refreshing is not a sign-in: no event.
    expect(await eventsAfterSignUp(srv)).toEqual([]);
  });

  it('needs the cookie: none → 401 MISSING_TOKEN, and a refresh token as Bearer does not count', async () => {
    const { srv, refresh } = await signedUp();
    for (const headers of [
      {},
      { authorization: `Bearer ${refresh}` },
      { cookie: 'ironflow_refresh=' },
    ] as Record<string, string>[]) {
      const response = await call(srv, 'POST', 'refresh', headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(MISSING_TOKEN);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('answers 401 INVALID_TOKEN for an access token, garbage, a foreign signature, an expired token and a deleted user', async () => {
    const { srv, user, access } = await signedUp();
    const foreign = createTokenService({ secret: 'another-secret-that-is-long-enough-too!!' });
    const expired = createTokenService({
      secret: JWT_SECRET,
      now: () => new Date(Date.now() - 604_801_000),
    });
    const subject = { userId: user.id, username: 'ada', isAdmin: true };
    const unknownUser = { userId: crypto.randomUUID(), username: 'ghost', isAdmin: false };
    const candidates = [
      access,
      'not-a-jwt',
      foreign.mintRefresh(subject),
      expired.mintRefresh(subject),
      srv.tokens.mintRefresh(unknownUser),
    ];
    for (const token of candidates) {
      const response = await call(srv, 'POST', 'refresh', { cookie: `ironflow_refresh=${token}` });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(INVALID_TOKEN);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });
});

describe('GET /api/v1/auth/me', () => {
  it('returns the signed-in user by cookie or by Bearer token', async () => {
    const { srv, user, access } = await signedUp();
    for (const headers of [
      { cookie: `ironflow_token=${access}` },
      { authorization: `Bearer ${access}` },
    ] as Record<string, string>[]) {
      const response = await call(srv, 'GET', 'me', headers);
      expect(response.status).toBe(200);
      // Upstream's body: the id as user_id, the fields in upstream's order, not wrapped in `user`.
      const body = await response.text();
      expect(JSON.parse(body)).toEqual({
        data: {
          user_id: user.id,
          email: user.email,
          username: user.username,
          is_admin: user.is_admin,
          created_at: user.created_at,
        },
        meta: null,
      });
      expect(Object.keys(JSON.parse(body).data)).toEqual([
        'user_id',
        'email',
        'username',
        'is_admin',
        'created_at',
      ]);
    }
  });

  it('answers 401 without a token, with a refresh token, and for a user that does not exist', async () => {
    const { srv, refresh } = await signedUp();
    const none = await call(srv, 'GET', 'me');
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual(MISSING_TOKEN);
    const ghost = srv.token({ username: 'ghost' });
    for (const headers of [
      { cookie: `ironflow_token=${refresh}` },
      { authorization: `Bearer ${ghost}` },
    ] as Record<string, string>[]) {
      const response = await call(srv, 'GET', 'me', headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(INVALID_TOKEN);
    }
  });
});

describe('POST /api/v1/auth/sign-out', () => {
  it('clears both cookies with the same attributes and appends user_signed_out', async () => {
    const { srv, user, access } = await signedUp();
    const response = await call(srv, 'POST', 'sign-out', { cookie: `ironflow_token=${access}` });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { signed_out: true }, meta: null });
    expect(response.headers.getSetCookie()).toEqual(CLEARED);
    expect(await eventsAfterSignUp(srv)).toEqual([
      { type: 'user_signed_out', user_id: user.id, at: expect.any(String) },
    ]);
  });

  it('names the user by a Bearer token, or by the refresh cookie once the access token is gone', async () => {
    const { srv, user, access, refresh } = await signedUp();
    expect((await call(srv, 'POST', 'sign-out', { authorization: `Bearer ${access}` })).status).toBe(200);
    expect((await call(srv, 'POST', 'sign-out', { cookie: `ironflow_refresh=${refresh}` })).status).toBe(200);
    expect(
      (await eventsAfterSignUp(srv)).map((event) => [event.type, 'user_id' in event && event.user_id]),
    ).toEqual([
      ['user_signed_out', user.id],
      ['user_signed_out', user.id],
    ]);
  });

  it('is idempotent: 200 and cleared cookies without a token or with a bad one, and no event', async () => {
    const { srv } = await signedUp();
    const expired = createTokenService({ secret: JWT_SECRET, now: () => new Date(Date.now() - 3_600_000) });
    const stale = expired.mintAccess({ userId: crypto.randomUUID(), username: 'old', isAdmin: false });
    for (const headers of [
      {},
      { cookie: 'ironflow_token=garbage' },
      { authorization: `Bearer ${stale}` },
    ] as Record<string, string>[]) {
      const response = await call(srv, 'POST', 'sign-out', headers);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { signed_out: true }, meta: null });
      expect(response.headers.getSetCookie()).toEqual(CLEARED);
    }
    expect(await eventsAfterSignUp(srv)).toEqual([]);
  });

  it('clears Secure cookies in production', async () => {
    const srv = await server({ environment: 'production' });
    const response = await call(srv, 'POST', 'sign-out');
    expect(response.headers.getSetCookie()).toEqual(CLEARED.map((cookie) => `${cookie}; Secure`));
  });
});

describe('a browser session end to end', () => {
  it('signs up, reads me, refreshes, signs out, signs in: one event per sign-up, sign-out and sign-in', async () => {
    const { srv, user, access, refresh } = await signedUp();
    expect((await call(srv, 'GET', 'me', { cookie: `ironflow_token=${access}` })).status).toBe(200);
    const refreshed = cookieValues(
      await call(srv, 'POST', 'refresh', { cookie: `ironflow_refresh=${refresh}` }),
    );
    const both = `ironflow_token=${refreshed.ironflow_token}; ironflow_refresh=${refreshed.ironflow_refresh}`;
    expect((await call(srv, 'GET', 'me', { cookie: both })).status).toBe(200);
    expect((await call(srv, 'POST', 'sign-out', { cookie: both })).status).toBe(200);
    const again = await call(srv, 'POST', 'sign-in', {}, { username: 'ada', password: ADA.password });
    expect(again.status).toBe(200);
    const events = (await srv.log.read({ afterSeq: 0, limit: 1000 })).map((stored) => stored.event);
    expect(events).toEqual([
      { type: 'user_signed_up', user_id: user.id, username: 'ada', at: expect.any(String) },
      { type: 'user_signed_out', user_id: user.id, at: expect.any(String) },
      { type: 'user_signed_in', user_id: user.id, username: 'ada', at: expect.any(String) },
    ]);
  });
});
