import { adminUrl, freshDatabase, within } from '@ironflow/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { DEV_WORKER_TOKEN } from '../src/dev-defaults.js';
import { createLogger } from '../src/logger.js';
import { type RunningServer, startServer } from '../src/server.js';

// API keys and sessions through real HTTP on two in-process instances sharing one PostgreSQL
// database: what one instance creates, rotates or revokes, the other honours.
const database = freshDatabase('ironflow_creds');
const RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c01';
const INVALID_TOKEN =
  '{"error":{"code":"INVALID_TOKEN","message":"Invalid or expired authentication token"}}';

const refreshOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .find((header) => header.startsWith('ironflow_refresh='))
    ?.split(';')[0] as string;

const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Opens a stream; `ended` resolves when the server ends it. */
async function openStream(url: string, authorization: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/events`, {
    headers: { authorization },
    signal: controller.signal,
  });
  const ended =
    response.status === 200
      ? (async () => {
          const reader = (response.body as ReadableStream<Uint8Array>).getReader();
          let text = '';
          for (;;) {
            const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
            if (done) return text;
            text += new TextDecoder().decode(value);
          }
        })()
      : Promise.resolve(await response.text());
  return { status: response.status, ended, cancel: () => controller.abort() };
}

describe.skipIf(adminUrl === '')('API keys and sessions on two instances over PostgreSQL', () => {
  const instances: RunningServer[] = [];
  let a = '';
  let b = '';

  beforeAll(async () => {
    await database.create();
    const config = loadConfig({ DATABASE_URL: database.url, PORT: '0', RATE_LIMIT_AUTH: '0' });
    for (let i = 0; i < 2; i++) instances.push(await startServer(config, createLogger('silent')));
    [a, b] = instances.map((instance) => instance.url) as [string, string];
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await database.drop();
  });
  const cancels: (() => void)[] = [];
  afterEach(() => {
    for (const cancel of cancels.splice(0)) cancel();
  });

  async function signUp(name: string) {
    const response = await fetch(`${a}/api/v1/auth/sign-up`, {
      method: 'POST',
      ...json({ email: `${name}@example.com`, username: name, password: 'correct horse battery' }),
    });
    expect(response.status).toBe(201);
    const cookie = response.headers
      .getSetCookie()
      .map((header) => header.split(';')[0])
      .join('; ');
    return { cookie, refresh: refreshOf(response) };
  }

  async function createKey(cookie: string, scopes: string[]) {
    const response = await fetch(`${a}/api/v1/api-keys`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'svc', scopes }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { data: { id: string; key: string } }).data;
  }

  it('a key made on one instance streams and publishes on the other, per its scopes', async () => {
    const { cookie } = await signUp('ada');
    const reader = await createKey(cookie, ['events:read']);
    const writer = await createKey(cookie, ['events:write']);
    const stream = await openStream(b, `Bearer ${reader.key}`);
    cancels.push(stream.cancel);
    expect(stream.status).toBe(200);
    const publish = (key: string) =>
      fetch(`${b}/api/v1/internal/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'run_created', run_id: RUN, workflow_name: 'wf' }),
      });
    expect((await publish(writer.key)).status).toBe(202);
    const refused = await publish(reader.key);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe(INVALID_TOKEN);
    const ingestByWorker = await fetch(`${a}/api/v1/internal/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEV_WORKER_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'run_created', run_id: RUN, workflow_name: 'wf2' }),
    });
    expect(ingestByWorker.status).toBe(202);
  });

  it('revoking a key on one instance ends its streams on the other within 5 s', async () => {
    const { cookie } = await signUp('grace');
    const key = await createKey(cookie, ['events:read']);
    const onA = await openStream(a, `Bearer ${key.key}`);
    const onB = await openStream(b, `Bearer ${key.key}`);
    cancels.push(onA.cancel, onB.cancel);
    expect([onA.status, onB.status]).toEqual([200, 200]);
    const revokedAt = Date.now();
    expect(
      (await fetch(`${a}/api/v1/api-keys/${key.id}`, { method: 'DELETE', headers: { cookie } })).status,
    ).toBe(204);
    await within(5_000, 'the stream on the other instance to end', onB.ended);
    await within(5_000, 'the stream on the revoking instance to end', onA.ended);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    const after = await openStream(b, `Bearer ${key.key}`);
    expect(after.status).toBe(401);
    expect(await after.ended).toBe(INVALID_TOKEN);
  });

  it('a rotated refresh token replayed on the other instance revokes the session; sign-out revokes too', async () => {
    const { refresh: first } = await signUp('linus');
    const rotated = await fetch(`${a}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: first } });
    expect(rotated.status).toBe(200);
    const second = refreshOf(rotated);
    const replay = await fetch(`${b}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: first } });
    expect(replay.status).toBe(401);
    expect(
      (await fetch(`${a}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: second } })).status,
    ).toBe(401);

    const { refresh } = await signUp('barbara');
    expect(
      (await fetch(`${b}/api/v1/auth/sign-out`, { method: 'POST', headers: { cookie: refresh } })).status,
    ).toBe(200);
    expect(
      (await fetch(`${a}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: refresh } })).status,
    ).toBe(401);
  });
});
