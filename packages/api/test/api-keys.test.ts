import { createMemoryApiKeyStore } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { type TestServer, useTestServers, WORKER_TOKEN } from './support/test-server.js';

const server = useTestServers();

const INVALID_TOKEN =
  '{"error":{"code":"INVALID_TOKEN","message":"Invalid or expired authentication token"}}';
const RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c01';

interface CreatedKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  key: string;
}

/** Signs up a user and returns a fetch for the API-key routes with their cookie. */
async function signedUp(srv: TestServer, name = 'ada') {
  const response = await fetch(`${srv.url}/api/v1/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${name}@example.com`, username: name, password: 'correct horse battery' }),
  });
  expect(response.status).toBe(201);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const { data } = (await response.json()) as { data: { user: { id: string }; access_token: string } };
  const keys = (method: string, path = '', body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${srv.url}/api/v1/api-keys${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { cookie, userId: data.user.id, access: data.access_token, keys };
}

async function createKey(
  keys: Awaited<ReturnType<typeof signedUp>>['keys'],
  body: { name: string; scopes: string[]; expires_at?: string },
): Promise<CreatedKey> {
  const response = await keys('POST', '', body);
  expect(response.status).toBe(201);
  return ((await response.json()) as { data: CreatedKey }).data;
}

const publish = (
  srv: TestServer,
  key: string,
  path = '/api/v1/internal/events',
  body: unknown = runCreated(RUN),
) =>
  fetch(`${srv.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('API key routes', () => {
  it('creates a key shown once, lists it without secret or hash, and revokes it with 204', async () => {
    const srv = await server();
    const { keys } = await signedUp(srv);
    const created = await createKey(keys, { name: 'ci', scopes: ['events:read', 'events:write'] });
    expect(Object.keys(created).sort()).toEqual([
      'created_at',
      'expires_at',
      'id',
      'key',
      'name',
      'prefix',
      'scopes',
    ]);
    expect(created.key).toMatch(/^irfl_[A-Za-z0-9]{48}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.prefix).toMatch(/^irfl_[A-Za-z0-9]{8}$/);
    expect(created).toMatchObject({ name: 'ci', scopes: ['events:read', 'events:write'], expires_at: null });

    const listed = await keys('GET');
    expect(listed.status).toBe(200);
    const { key: _secret, ...shown } = created;
    expect(await listed.json()).toEqual({ data: [shown], meta: null });
    expect(JSON.stringify(await (await keys('GET')).json())).not.toContain(created.key.slice(13));

    expect((await keys('DELETE', `/${created.id}`)).status).toBe(204);
    expect(await (await keys('GET')).json()).toEqual({ data: [], meta: null });
    const again = await keys('DELETE', `/${created.id}`);
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({
      error: { code: 'API_KEY_NOT_FOUND', message: 'API key not found' },
    });
  });

  it('validates the body, naming each bad field', async () => {
    const srv = await server();
    const { keys } = await signedUp(srv);
    const response = await keys('POST', '', {
      name: '',
      scopes: ['events:admin'],
      expires_at: '2001-01-01T00:00:00Z',
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; details: { path: string }[] } };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((detail) => detail.path).sort()).toEqual(['expires_at', 'name', 'scopes.0']);
    expect((await keys('POST', '', { name: 'x', scopes: [] })).status).toBe(400);
    expect((await keys('POST', '', { name: 'x', scopes: ['events:read', 'events:read'] })).status).toBe(400);
  });

  it('lets a user see and revoke only their own keys; an admin may revoke anyone’s', async () => {
    const srv = await server();
    const admin = await signedUp(srv, 'ada');
    const grace = await signedUp(srv, 'grace');
    const linus = await signedUp(srv, 'linus');
    const graceKey = await createKey(grace.keys, { name: 'g1', scopes: ['events:read'] });
    const graceKey2 = await createKey(grace.keys, { name: 'g2', scopes: ['events:read'] });
    expect(await (await linus.keys('GET')).json()).toEqual({ data: [], meta: null });
    expect((await linus.keys('DELETE', `/${graceKey.id}`)).status).toBe(404);
    expect((await admin.keys('DELETE', `/${graceKey.id}`)).status).toBe(204);
    expect(
      ((await (await grace.keys('GET')).json()) as { data: { id: string }[] }).data.map((k) => k.id),
    ).toEqual([graceKey2.id]);
  });

  it('needs a session: no credential → 401, and a key cannot manage keys', async () => {
    const srv = await server();
    const { keys } = await signedUp(srv);
    const { key } = await createKey(keys, { name: 'all', scopes: ['events:read', 'events:write'] });
    expect((await fetch(`${srv.url}/api/v1/api-keys`)).status).toBe(401);
    const byKey = await fetch(`${srv.url}/api/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(byKey.status).toBe(401);
    expect(await byKey.text()).toBe(INVALID_TOKEN);
  });
});

describe('API keys as credentials', () => {
  it('streams with events:read, reads as its owner, and publishes only with events:write', async () => {
    const srv = await server();
    const { keys } = await signedUp(srv);
    const reader = await createKey(keys, { name: 'reader', scopes: ['events:read'] });
    const writer = await createKey(keys, { name: 'writer', scopes: ['events:write'] });

    const stream = await SseClient.open(`${srv.url}/api/v1/events`, {
      authorization: `Bearer ${reader.key}`,
    });
    expect(stream.status).toBe(200);
    const accepted = await publish(srv, writer.key);
    expect(accepted.status).toBe(202);
    const logs = await publish(srv, writer.key, `/api/v1/internal/runs/${RUN}/logs`, {
      step_id: '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c02',
      step_name: 'build',
      stream: 'stdout',
      lines: ['hello'],
    });
    expect(logs.status).toBe(202);
    await stream.waitForMessages(2);
    expect(stream.messages.map((message) => message.event)).toEqual(['run_created', 'log_line']);
    stream.close();

    // Wrong scope both ways: 401 INVALID_TOKEN, never INVALID_WORKER_TOKEN.
    const readerPublishes = await publish(srv, reader.key);
    expect(readerPublishes.status).toBe(401);
    expect(await readerPublishes.text()).toBe(INVALID_TOKEN);
    const writerStreams = await SseClient.open(`${srv.url}/api/v1/events`, {
      authorization: `Bearer ${writer.key}`,
    });
    expect(writerStreams.status).toBe(401);
    expect(writerStreams.raw).toBe(INVALID_TOKEN);
  });

  it('reads history with events:read, with its owner’s rights (audit log for an admin’s key only)', async () => {
    const srv = await server();
    const admin = await signedUp(srv, 'ada');
    const plain = await signedUp(srv, 'grace');
    const adminKey = await createKey(admin.keys, { name: 'a', scopes: ['events:read'] });
    const plainKey = await createKey(plain.keys, { name: 'p', scopes: ['events:read'] });
    const writer = await createKey(plain.keys, { name: 'w', scopes: ['events:write'] });
    await srv.ingest(runCreated(RUN));
    const logs = await publish(srv, writer.key, `/api/v1/internal/runs/${RUN}/logs`, {
      step_id: '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c02',
      step_name: 'build',
      stream: 'stdout',
      lines: ['one', 'two'],
    });
    expect(logs.status).toBe(202);
    const read = (path: string, key: string) =>
      fetch(`${srv.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const runLogs = await read(`/api/v1/runs/${RUN}/logs`, plainKey.key);
    expect(runLogs.status).toBe(200);
    const body = (await runLogs.json()) as { data: { line: string }[] };
    expect(body.data.map((entry) => entry.line)).toEqual(['one', 'two']);
    expect((await read('/api/v1/audit-logs', adminKey.key)).status).toBe(200);
    expect((await read('/api/v1/audit-logs', plainKey.key)).status).toBe(403);
    const byWriter = await read(`/api/v1/runs/${RUN}/logs`, writer.key);
    expect(byWriter.status).toBe(401);
    expect(await byWriter.text()).toBe(INVALID_TOKEN);
  });

  it('takes the API-key path over a cookie, and refuses unknown or malformed keys with INVALID_TOKEN', async () => {
    const srv = await server();
    const { keys, cookie } = await signedUp(srv);
    const writer = await createKey(keys, { name: 'writer', scopes: ['events:write'] });
    // A good session cookie does not rescue a key without the scope.
    const mixed = await SseClient.open(`${srv.url}/api/v1/events`, {
      cookie,
      authorization: `Bearer ${writer.key}`,
    });
    expect(mixed.status).toBe(401);
    for (const bad of ['irfl_short', `${writer.key.slice(0, -2)}zz`, `irfl_${'A'.repeat(48)}`]) {
      const response = await SseClient.open(`${srv.url}/api/v1/events`, { authorization: `Bearer ${bad}` });
      expect(response.status).toBe(401);
      expect(response.raw).toBe(INVALID_TOKEN);
      expect(await (await publish(srv, bad)).text()).toBe(INVALID_TOKEN);
    }
    // The worker token still works beside keys.
    expect((await srv.ingest(runCreated(RUN))).status).toBe(202);
  });

  it('gives user_* events to an admin’s key, read live from the user store', async () => {
    const srv = await server();
    const admin = await signedUp(srv, 'ada');
    const plain = await signedUp(srv, 'grace');
    const adminKey = await createKey(admin.keys, { name: 'a', scopes: ['events:read'] });
    const plainKey = await createKey(plain.keys, { name: 'p', scopes: ['events:read'] });
    const adminStream = await SseClient.open(`${srv.url}/api/v1/events`, {
      authorization: `Bearer ${adminKey.key}`,
    });
    const plainStream = await SseClient.open(`${srv.url}/api/v1/events`, {
      authorization: `Bearer ${plainKey.key}`,
    });
    await signedUp(srv, 'linus');
    await adminStream.waitForMessages(1);
    expect(adminStream.messages[0]?.event).toBe('user_signed_up');
    await srv.ingest(runCreated(RUN));
    await plainStream.waitForMessages(1);
    expect(plainStream.messages.map((message) => message.event)).toEqual(['run_created']);
    adminStream.close();
    plainStream.close();
  });

  it('revocation ends the key’s open streams within 5 s and refuses it at once', async () => {
    const srv = await server();
    const { keys, access } = await signedUp(srv);
    const key = await createKey(keys, { name: 'svc', scopes: ['events:read', 'events:write'] });
    const byKey = await SseClient.open(`${srv.url}/api/v1/events`, { authorization: `Bearer ${key.key}` });
    const byToken = await SseClient.open(`${srv.url}/api/v1/events`, { authorization: `Bearer ${access}` });
    expect([byKey.status, byToken.status]).toEqual([200, 200]);
    const revokedAt = Date.now();
    expect((await keys('DELETE', `/${key.id}`)).status).toBe(204);
    await byKey.waitForEnd(5_000);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    expect(byToken.ended).toBe(false);
    const after = await SseClient.open(`${srv.url}/api/v1/events`, { authorization: `Bearer ${key.key}` });
    expect(after.status).toBe(401);
    expect((await publish(srv, key.key)).status).toBe(401);
    byToken.close();
  });

  it('ends a key’s stream with `: credentials expired` within 2 s of its expires_at, then refuses the key', async () => {
    const srv = await server({ stream: { tickMs: 100 } });
    const { keys } = await signedUp(srv);
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const key = await createKey(keys, { name: 'brief', scopes: ['events:read'], expires_at: expiresAt });
    expect(key.expires_at).toBe(expiresAt);
    const stream = await SseClient.open(`${srv.url}/api/v1/events`, { authorization: `Bearer ${key.key}` });
    expect(stream.status).toBe(200);
    await stream.waitForEnd(5_000);
    expect(Date.now() - Date.parse(expiresAt)).toBeLessThan(2_000);
    expect(stream.raw.endsWith(': credentials expired\n\n')).toBe(true);
    const after = await SseClient.open(`${srv.url}/api/v1/events`, { authorization: `Bearer ${key.key}` });
    expect(after.status).toBe(401);
  });

  it('tells the app of revocations made elsewhere through the shared store', async () => {
    const apiKeys = createMemoryApiKeyStore();
    const srv = await server({ apiKeys });
    const { keys } = await signedUp(srv);
    const key = await createKey(keys, { name: 'svc', scopes: ['events:read'] });
    const stream = await SseClient.open(`${srv.url}/api/v1/events`, { authorization: `Bearer ${key.key}` });
    await apiKeys.revoke(key.id, null);
    await stream.waitForEnd(5_000);
  });
});

describe('Idempotency-Key scoped to the credential', () => {
  it('keeps the keys of the worker token and of each events:write key apart', async () => {
    const srv = await server();
    const { keys } = await signedUp(srv);
    const first = await createKey(keys, { name: 'one', scopes: ['events:write'] });
    const second = await createKey(keys, { name: 'two', scopes: ['events:write'] });
    const send = (credential: string, workflow: string) =>
      fetch(`${srv.url}/api/v1/internal/events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${credential}`,
          'content-type': 'application/json',
          'idempotency-key': 'same-key',
        },
        body: JSON.stringify(runCreated(RUN, workflow)),
      });
    const before = srv.log.bounds().headSeq;
    // The same key with different bodies under three credentials: three requests, none refused.
    for (const [credential, workflow] of [
      [WORKER_TOKEN, 'w'],
      [first.key, 'a'],
      [second.key, 'b'],
    ] as const) {
      const response = await send(credential, workflow);
      expect(response.status).toBe(202);
      expect(response.headers.get('idempotent-replayed')).toBeNull();
    }
    // Each credential's repeat replays its own answer; another body under it is 422.
    expect((await send(first.key, 'a')).headers.get('idempotent-replayed')).toBe('true');
    expect((await send(first.key, 'b')).status).toBe(422);
    expect(srv.log.bounds().headSeq).toBe(before + 3);
  });
});
