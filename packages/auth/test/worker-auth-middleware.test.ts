import { createWorkerAuthMiddleware } from '@ironflow/auth';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type TestServer } from './serve.js';

const WORKER_TOKEN = 'worker-token-0123456789abcdef0123456789';
const INVALID = '{"error":{"code":"INVALID_WORKER_TOKEN","message":"Invalid or missing worker token"}}';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<string> {
  server = await serve((app) => {
    app.use(createWorkerAuthMiddleware(WORKER_TOKEN));
    app.use((ctx) => {
      ctx.status = 202;
      ctx.body = { data: { accepted: 0 }, meta: null };
    });
  });
  return server.url;
}

describe('createWorkerAuthMiddleware', () => {
  it('lets the configured token through', async () => {
    const url = await start();
    const response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${WORKER_TOKEN}` },
    });
    expect(response.status).toBe(202);
  });

  const wrong: Record<string, Record<string, string>> = {
    missing: {},
    'same length, wrong': { Authorization: `Bearer ${WORKER_TOKEN.slice(0, -1)}X` },
    shorter: { Authorization: `Bearer ${WORKER_TOKEN.slice(0, 5)}` },
    longer: { Authorization: `Bearer ${WORKER_TOKEN}0` },
    'another scheme': { Authorization: `Basic ${WORKER_TOKEN}` },
    'empty bearer': { Authorization: 'Bearer ' },
    'in a cookie': { Cookie: `ironflow_token=${WORKER_TOKEN}` },
  };
  for (const [name, headers] of Object.entries(wrong)) {
    it(`answers 401 INVALID_WORKER_TOKEN: ${name}`, async () => {
      const url = await start();
      const response = await fetch(url, { method: 'POST', headers });
      expect(response.status).toBe(401);
      expect(await response.text()).toBe(INVALID);
    });
  }

  it('never reads the query string', async () => {
    const url = await start();
    const response = await fetch(`${url}/?token=${WORKER_TOKEN}`, { method: 'POST' });
    expect(await response.text()).toBe(INVALID);
  });

  it('rejects an empty configured token when built', () => {
    expect(() => createWorkerAuthMiddleware('')).toThrow(
      /token must be a non-empty string; pass WORKER_TOKEN/,
    );
  });
});
