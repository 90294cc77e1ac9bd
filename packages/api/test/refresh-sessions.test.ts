import { describe, expect, it } from 'vitest';
import { type TestServer, useTestServers } from './support/test-server.js';

const server = useTestServers();

const INVALID_TOKEN = {
  error: { code: 'INVALID_TOKEN', message: 'Invalid or expired authentication token' },
};

const refreshCookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .find((header) => header.startsWith('ironflow_refresh='))
    ?.split(';')[0] as string;

const post = (srv: TestServer, path: string, cookie?: string, body?: unknown) =>
  fetch(`${srv.url}/api/v1/auth/${path}`, {
    method: 'POST',
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function signIn(srv: TestServer): Promise<string> {
  await post(srv, 'sign-up', undefined, {
    email: 'ada@example.com',
    username: 'ada',
    password: 'correct horse battery',
  });
  const response = await post(srv, 'sign-in', undefined, {
    username: 'ada',
    password: 'correct horse battery',
  });
  expect(response.status).toBe(200);
  return refreshCookieOf(response);
}

describe('single-use refresh tokens', () => {
  it('rotates on every refresh; replaying a rotated token revokes the whole session', async () => {
    const srv = await server();
    const first = await signIn(srv);
    const rotated = await post(srv, 'refresh', first);
    expect(rotated.status).toBe(200);
    const second = refreshCookieOf(rotated);
    expect(second).not.toBe(first);
    const third = refreshCookieOf(await post(srv, 'refresh', second));

    // The thief replays the first token: refused, and the session is over for everyone.
    const replay = await post(srv, 'refresh', first);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual(INVALID_TOKEN);
    expect(replay.headers.getSetCookie().every((header) => header.includes('Max-Age=0'))).toBe(true);
    const victim = await post(srv, 'refresh', third);
    expect(victim.status).toBe(401);
  });

  it('keeps other sessions of the same user alive when one is revoked', async () => {
    const srv = await server();
    const laptop = await signIn(srv);
    const phone = refreshCookieOf(
      await post(srv, 'sign-in', undefined, { username: 'ada', password: 'correct horse battery' }),
    );
    const next = refreshCookieOf(await post(srv, 'refresh', laptop));
    expect((await post(srv, 'refresh', laptop)).status).toBe(401);
    expect((await post(srv, 'refresh', next)).status).toBe(401);
    expect((await post(srv, 'refresh', phone)).status).toBe(200);
  });

  it('sign-out revokes the session of its refresh cookie', async () => {
    const srv = await server();
    const refresh = await signIn(srv);
    const out = await post(srv, 'sign-out', refresh);
    expect(out.status).toBe(200);
    const after = await post(srv, 'refresh', refresh);
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual(INVALID_TOKEN);
  });

  it('refuses a refresh token minted outside any session', async () => {
    const srv = await server();
    await signIn(srv);
    const user = { userId: crypto.randomUUID(), username: 'ada', isAdmin: false };
    const loose = srv.tokens.mintRefresh(user);
    expect((await post(srv, 'refresh', `ironflow_refresh=${loose}`)).status).toBe(401);
  });
});
