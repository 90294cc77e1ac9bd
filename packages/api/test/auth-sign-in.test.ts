import { describe, expect, it } from 'vitest';
import { type TestServer, useTestServers } from './support/test-server.js';

const server = useTestServers();

const post = (srv: TestServer, path: string, body: unknown) =>
  fetch(`${srv.url}/api/v1/auth/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const ADA = { email: 'ada@example.com', username: 'Ada', password: 'correct horse battery' };
const INVALID_CREDENTIALS = {
  error: { code: 'INVALID_CREDENTIALS', message: 'Invalid email, username or password' },
};

interface SessionBody {
  data: {
    user: { id: string; email: string; username: string; is_admin: boolean; created_at: string };
    access_token: string;
    expires_in: number;
  };
  meta: null;
}

async function withAda(options?: Parameters<typeof server>[0]) {
  const srv = await server(options);
  const response = await post(srv, 'sign-up', ADA);
  expect(response.status).toBe(201);
  const { data } = (await response.json()) as SessionBody;
  return { srv, ada: data.user };
}

const userEventsAfterSignUp = async (srv: TestServer) =>
  (await srv.log.read({ afterSeq: 1, limit: 1000 })).map((stored) => stored.event);

describe('POST /api/v1/auth/sign-in', () => {
  it('signs in by email, case-insensitively: 200, the session body, both cookies, user_signed_in', async () => {
    const { srv, ada } = await withAda();
    const response = await post(srv, 'sign-in', { email: 'ADA@example.com', password: ADA.password });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as SessionBody;
    expect(body).toEqual({
      data: { user: ada, access_token: expect.any(String), expires_in: 900 },
      meta: null,
    });
    expect(srv.tokens.verify(body.data.access_token, 'access')).toMatchObject({
      user_id: ada.id,
      username: 'Ada',
      is_admin: true,
    });
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe(
      `ironflow_token=${body.data.access_token}; Max-Age=900; Path=/; HttpOnly; SameSite=Lax`,
    );
    expect(cookies[1]).toMatch(/^ironflow_refresh=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(await userEventsAfterSignUp(srv)).toEqual([
      { type: 'user_signed_in', user_id: ada.id, username: 'Ada', at: expect.any(String) },
    ]);
  });

  it('signs in by username, case-insensitively', async () => {
    const { srv, ada } = await withAda();
    const response = await post(srv, 'sign-in', { username: 'ada', password: ADA.password });
    expect(response.status).toBe(200);
    expect(((await response.json()) as SessionBody).data.user.id).toBe(ada.id);
  });

  it('answers a wrong password and an unknown user with the same 401 and appends nothing', async () => {
    const { srv } = await withAda();
    const attempts = [
      { email: ADA.email, password: 'wrong password' },
      { username: 'Ada', password: 'wrong password' },
      { email: 'nobody@example.com', password: ADA.password },
      { username: 'nobody', password: ADA.password },
      { username: 'Ada', password: '' },
    ];
    for (const attempt of attempts) {
      const response = await post(srv, 'sign-in', attempt);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(INVALID_CREDENTIALS);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(await userEventsAfterSignUp(srv)).toEqual([]);
  });

  it('marks both cookies Secure in production', async () => {
    const { srv } = await withAda({ environment: 'production', allowSignUp: true });
    const response = await post(srv, 'sign-in', { email: ADA.email, password: ADA.password });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    expect(cookies[0]).toMatch(
      /^ironflow_token=[^;]+; Max-Age=900; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
    expect(cookies[1]).toMatch(
      /^ironflow_refresh=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
  });

  it.each([
    ['neither email nor username', { password: 'x' }, 'email', 'give either email or username'],
    [
      'both email and username',
      { email: 'a@b.c', username: 'a', password: 'x' },
      'email',
      'give either email or username',
    ],
    ['an empty username', { username: '', password: 'x' }, 'username', 'must not be empty'],
    ['a password that is not a string', { username: 'ada', password: 1 }, 'password', 'must be a string'],
  ])('answers 400 VALIDATION_FAILED for %s', async (_name, body, path, message) => {
    const srv = await server();
    const response = await post(srv, 'sign-in', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'invalid request body', details: [{ path, message }] },
    });
  });
});

describe('sign-in rate limit', () => {
  it('allows 10 attempts a minute per address by default, then 429 with Retry-After', async () => {
    const srv = await server();
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect((await post(srv, 'sign-in', { username: 'nobody', password: 'guess' })).status).toBe(401);
    }
    const refused = await post(srv, 'sign-in', { username: 'nobody', password: 'guess' });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({
      error: { code: 'TOO_MANY_REQUESTS', message: `too many sign-in attempts; retry in ${retryAfter} s` },
    });
  });

  it('counts successful sign-ins too, refuses even the right password once over, and lets in after the window', async () => {
    let now = 1_000_000;
    const { srv, ada } = await withAda({ signInRateLimit: { limit: 3, windowMs: 60_000, now: () => now } });
    const good = { email: ADA.email, password: ADA.password };
    expect((await post(srv, 'sign-in', good)).status).toBe(200);
    now += 10_000;
    expect((await post(srv, 'sign-in', { ...good, password: 'wrong' })).status).toBe(401);
    expect((await post(srv, 'sign-in', good)).status).toBe(200);

    now += 5_000;
    const refused = await post(srv, 'sign-in', good);
    expect(refused.status).toBe(429);
    // The oldest attempt leaves the window 45 s from now.
    expect(refused.headers.get('retry-after')).toBe('45');
    expect(refused.headers.getSetCookie()).toEqual([]);

    now += 44_999;
    expect((await post(srv, 'sign-in', good)).status).toBe(429);
    now += 1;
    const again = await post(srv, 'sign-in', good);
    expect(again.status).toBe(200);
    const signIns = (await userEventsAfterSignUp(srv)).filter((event) => event.type === 'user_signed_in');
    expect(signIns).toHaveLength(3);
    expect(signIns.every((event) => 'user_id' in event && event.user_id === ada.id)).toBe(true);
  });

  it('counts malformed attempts, and does not limit sign-up or other routes', async () => {
    let now = 0;
    const srv = await server({ signInRateLimit: { limit: 1, windowMs: 1_000, now: () => now } });
    expect((await post(srv, 'sign-in', { password: 1 })).status).toBe(400);
    expect((await post(srv, 'sign-in', { username: 'x', password: 'y' })).status).toBe(429);
    expect((await post(srv, 'sign-up', ADA)).status).toBe(201);
    now += 1_000;
    expect((await post(srv, 'sign-in', { username: 'Ada', password: ADA.password })).status).toBe(200);
  });
});
