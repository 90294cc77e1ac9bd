import { createTokenService } from '@ironflow/auth';
import { createMemoryEventLog, createMemoryUserStore } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/index.js';
import { SseClient } from './support/sse-client.js';
import { JWT_SECRET, type TestServer, useTestServers, WORKER_TOKEN } from './support/test-server.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
const clients: SseClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-expose-headers',
];
const corsHeadersOf = (response: Response) =>
  Object.fromEntries(
    CORS_HEADERS.flatMap((name) => (response.headers.has(name) ? [[name, response.headers.get(name)]] : [])),
  );

const preflight = (srv: TestServer, origin: string, path = '/api/v1/events') =>
  fetch(`${srv.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization, last-event-id',
    },
  });

describe('CORS', () => {
  it('adds no CORS headers at all by default, not even Vary', async () => {
    const srv = await server();
    const response = await fetch(`${srv.url}/api/v1/health-check`, { headers: { origin: APP } });
    expect(response.status).toBe(200);
    expect(corsHeadersOf(response)).toEqual({});
    expect(response.headers.get('vary')).toBeNull();
    const options = await preflight(srv, APP);
    expect(corsHeadersOf(options)).toEqual({});
  });

  it('allows a listed origin with credentials', async () => {
    const srv = await server({ allowedOrigins: [APP, 'http://localhost:5173'] });
    const response = await fetch(`${srv.url}/api/v1/health-check`, { headers: { origin: APP } });
    expect(response.status).toBe(200);
    expect(corsHeadersOf(response)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'Retry-After, X-Request-Id',
    });
    expect(response.headers.get('vary')).toBe('Origin');
    const local = await fetch(`${srv.url}/api/v1/health-check`, {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('answers a preflight from a listed origin with 204, the methods, headers and max age', async () => {
    const srv = await server({ allowedOrigins: [APP] });
    const response = await preflight(srv, APP);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(corsHeadersOf(response)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': 'Authorization, Content-Type, Last-Event-ID',
      'access-control-max-age': '600',
    });
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await preflight(srv, APP, '/api/v1/auth/sign-in')).status).toBe(204);
  });

  it('gives an origin that is not listed no CORS headers, on requests and preflights', async () => {
    const srv = await server({ allowedOrigins: [APP] });
    for (const origin of [EVIL, `${APP}.evil.net`, 'http://app.example.com', 'null']) {
      const response = await fetch(`${srv.url}/api/v1/health-check`, { headers: { origin } });
      expect(response.status).toBe(200);
      expect(corsHeadersOf(response)).toEqual({});
      expect(response.headers.get('vary')).toBe('Origin');
      expect(corsHeadersOf(await preflight(srv, origin))).toEqual({});
    }
    const noOrigin = await fetch(`${srv.url}/api/v1/health-check`);
    expect(corsHeadersOf(noOrigin)).toEqual({});
  });

  it('puts the headers on error responses', async () => {
    const srv = await server({ allowedOrigins: [APP] });
    const unauthorized = await fetch(`${srv.url}/api/v1/auth/me`, { headers: { origin: APP } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(APP);
    expect(unauthorized.headers.get('access-control-allow-credentials')).toBe('true');
    const missing = await fetch(`${srv.url}/api/v1/nothing-here`, { headers: { origin: APP } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('puts the headers on the SSE stream', async () => {
    const srv = await server({ allowedOrigins: [APP] });
    const client = await SseClient.open(`${srv.url}/api/v1/events`, {
      origin: APP,
      authorization: `Bearer ${srv.token()}`,
    });
    clients.push(client);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream');
    expect(client.headers['access-control-allow-origin']).toBe(APP);
    expect(client.headers['access-control-allow-credentials']).toBe('true');
    expect(client.headers.vary).toBe('Origin');
  });

  it('lets a listed origin sign in with credentials and receive the cookies', async () => {
    const srv = await server({ allowedOrigins: [APP] });
    const response = await fetch(`${srv.url}/api/v1/auth/sign-up`, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', username: 'ada', password: 'correct horse battery' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.getSetCookie()).toHaveLength(2);
  });

  it.each([
    '*',
    `${APP}/`,
    `${APP}/path`,
    'HTTPS://APP.EXAMPLE.COM',
    'app.example.com',
    'https://app.example.com:443',
  ])('refuses %j as an allowed origin when the app is built', (origin) => {
    expect(() =>
      createApp({
        log: createMemoryEventLog(),
        users: createMemoryUserStore(),
        tokens: createTokenService({ secret: JWT_SECRET }),
        jwtSecret: JWT_SECRET,
        workerToken: WORKER_TOKEN,
        environment: 'development',
        allowedOrigins: [origin],
      }),
    ).toThrow(/is not an exact origin/);
  });
});
