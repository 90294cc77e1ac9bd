import { describe, expect, it } from 'vitest';
import { type TestServer, useTestServers } from './support/test-server.js';

const server = useTestServers();

const signUp = (srv: TestServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${srv.url}/api/v1/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const ADA = { email: 'ada@example.com', username: 'ada', password: 'correct horse battery' };
const BOB = { email: 'bob@example.com', username: 'bob.b-_1', password: 'another password' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

interface SessionBody {
  data: {
    user: { id: string; email: string; username: string; is_admin: boolean; created_at: string };
    access_token: string;
    expires_in: number;
  };
  meta: null;
}

const events = async (srv: TestServer) =>
  (await srv.log.read({ afterSeq: 0, limit: 1000 })).map((stored) => stored.event);

describe('POST /api/v1/auth/sign-up', () => {
  it('creates the first user as admin, answers 201 with the user and an access token, and sets both cookies', async () => {
    const srv = await server();
    const response = await signUp(srv, ADA);
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as SessionBody;
    expect(Object.keys(body)).toEqual(['data', 'meta']);
    expect(body.meta).toBeNull();
    expect(Object.keys(body.data)).toEqual(['user', 'access_token', 'expires_in']);
    expect(body.data.user).toEqual({
      id: expect.stringMatching(UUID),
      email: 'ada@example.com',
      username: 'ada',
      is_admin: true,
      created_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(body.data.expires_in).toBe(900);
    const claims = srv.tokens.verify(body.data.access_token, 'access');
    expect(claims).toMatchObject({
      user_id: body.data.user.id,
      username: 'ada',
      is_admin: true,
      typ: 'access',
    });

    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe(
      `ironflow_token=${body.data.access_token}; Max-Age=900; Path=/; HttpOnly; SameSite=Lax`,
    );
    expect(cookies[1]).toMatch(
      /^ironflow_refresh=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    const refresh = (cookies[1] as string).slice('ironflow_refresh='.length).split(';')[0] as string;
    expect(srv.tokens.verify(refresh, 'refresh').user_id).toBe(body.data.user.id);
  });

  it('makes only the first user admin and appends user_signed_up for each', async () => {
    const srv = await server();
    const ada = (await (await signUp(srv, ADA)).json()) as SessionBody;
    const bobResponse = await signUp(srv, BOB);
    expect(bobResponse.status).toBe(201);
    const bob = (await bobResponse.json()) as SessionBody;
    expect(bob.data.user.is_admin).toBe(false);
    expect(bob.data.user.username).toBe('bob.b-_1');
    expect(srv.tokens.verify(bob.data.access_token, 'access').is_admin).toBe(false);
    expect(await events(srv)).toEqual([
      {
        type: 'user_signed_up',
        user_id: ada.data.user.id,
        username: 'ada',
        at: expect.stringMatching(RFC3339_UTC),
      },
      {
        type: 'user_signed_up',
        user_id: bob.data.user.id,
        username: 'bob.b-_1',
        at: expect.stringMatching(RFC3339_UTC),
      },
    ]);
  });

  it('refuses a duplicate email, compared case-insensitively, with 409 USER_EXISTS naming the field', async () => {
    const srv = await server();
    await signUp(srv, ADA);
    const response = await signUp(srv, { ...BOB, email: 'ADA@Example.COM' });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: {
        code: 'USER_EXISTS',
        message: 'a user with this email already exists',
        details: [{ path: 'email', message: 'already taken' }],
      },
    });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await events(srv)).toHaveLength(1);
  });

  it('refuses a duplicate username, compared case-insensitively', async () => {
    const srv = await server();
    await signUp(srv, ADA);
    const response = await signUp(srv, { ...BOB, username: 'ADA' });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: {
        code: 'USER_EXISTS',
        message: 'a user with this username already exists',
        details: [{ path: 'username', message: 'already taken' }],
      },
    });
    expect(await events(srv)).toHaveLength(1);
  });

  it('answers 400 VALIDATION_FAILED listing every invalid field', async () => {
    const srv = await server();
    const response = await signUp(srv, { email: 'not-an-email', username: 'ab', password: 'short' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'invalid request body',
        details: [
          { path: 'email', message: 'must be an email address' },
          { path: 'username', message: 'must be 3 to 32 characters: letters, digits, _ . or -' },
          { path: 'password', message: 'must be at least 8 characters' },
        ],
      },
    });
    expect(await events(srv)).toEqual([]);
  });

  it.each([
    ['a username of 33 characters', { username: 'a'.repeat(33) }, 'username'],
    ['a username with a space', { username: 'ada lovelace' }, 'username'],
    ['a username with a non-ASCII letter', { username: 'adé' }, 'username'],
    ['a username that is not a string', { username: 42 }, 'username'],
    ['a password of 257 characters', { password: 'p'.repeat(257) }, 'password'],
    ['a missing password', { password: undefined }, 'password'],
    ['a missing email', { email: undefined }, 'email'],
  ])('rejects %s', async (_name, change, path) => {
    const srv = await server();
    const response = await signUp(srv, { ...ADA, ...change });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((detail) => detail.path)).toEqual([path]);
  });

  it('accepts the boundary lengths: 3 and 32 character usernames, 8 and 256 character passwords', async () => {
    const srv = await server();
    expect((await signUp(srv, { ...ADA, username: 'abc', password: 'p'.repeat(8) })).status).toBe(201);
    expect((await signUp(srv, { ...BOB, username: 'b'.repeat(32), password: 'p'.repeat(256) })).status).toBe(
      201,
    );
  });

  it('rejects a body that is not a JSON object', async () => {
    const srv = await server();
    const notJson = await signUp(srv, '{"email":', {});
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    const array = await signUp(srv, [ADA]);
    expect(array.status).toBe(400);
    expect(((await array.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    const text = await signUp(srv, JSON.stringify(ADA), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('is closed in production unless allowed: 403 SIGN_UP_DISABLED, nothing created', async () => {
    for (const options of [{ allowSignUp: false }, {}]) {
      const srv = await server({ environment: 'production', ...options });
      const response = await signUp(srv, ADA);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: {
          code: 'SIGN_UP_DISABLED',
          message: 'sign-up is disabled on this server (set ALLOW_SIGN_UP=true)',
        },
      });
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await events(srv)).toEqual([]);
    }
  });

  it('is open in development whatever allowSignUp says', async () => {
    const srv = await server({ environment: 'development', allowSignUp: false });
    expect((await signUp(srv, ADA)).status).toBe(201);
  });

  it('marks both cookies Secure in production when sign-up is allowed', async () => {
    const srv = await server({ environment: 'production', allowSignUp: true });
    const response = await signUp(srv, ADA);
    expect(response.status).toBe(201);
    const { data } = (await response.json()) as SessionBody;
    const cookies = response.headers.getSetCookie();
    expect(cookies[0]).toBe(
      `ironflow_token=${data.access_token}; Max-Age=900; Path=/; HttpOnly; SameSite=Lax; Secure`,
    );
    expect(cookies[1]).toMatch(
      /^ironflow_refresh=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
  });
});
