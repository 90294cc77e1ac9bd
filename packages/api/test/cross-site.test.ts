import { describe, expect, it } from 'vitest';
import { useTestServers } from './support/test-server.js';

const server = useTestServers();

const FORBIDDEN = {
  error: {
    code: 'FORBIDDEN',
    message: 'cross-site request refused: this route changes state with the session cookie',
  },
};

describe('cross-site protection of the cookie routes that change state', () => {
  const ROUTES: [string, string][] = [
    ['POST', '/api/v1/auth/sign-out'],
    ['POST', '/api/v1/auth/refresh'],
    ['POST', '/api/v1/api-keys'],
    ['DELETE', '/api/v1/api-keys/0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c01'],
  ];

  it('refuses Sec-Fetch-Site: cross-site and a foreign Origin with 403 in the envelope', async () => {
    const srv = await server({ allowedOrigins: ['https://dashboard.example.com'] });
    for (const [method, path] of ROUTES) {
      const refused: Record<string, string>[] = [
        { 'sec-fetch-site': 'cross-site' },
        { origin: 'https://evil.example.net' },
        { origin: 'null' },
      ];
      for (const headers of refused) {
        const response = await fetch(`${srv.url}${path}`, { method, headers });
        expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(await response.json()).toEqual(FORBIDDEN);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
    }
  });

  it('lets same-origin, allowed-origin and header-less requests through to the route', async () => {
    const srv = await server({ allowedOrigins: ['https://dashboard.example.com'] });
    const host = new URL(srv.url).host;
    const allowed: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-origin', origin: `http://${host}` },
      { origin: `https://${host}` },
      { origin: 'https://dashboard.example.com', 'sec-fetch-site': 'same-site' },
      {},
    ];
    for (const headers of allowed) {
      const response = await fetch(`${srv.url}/api/v1/auth/sign-out`, { method: 'POST', headers });
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
    // The API-key routes then authenticate as usual.
    expect(
      (await fetch(`${srv.url}/api/v1/api-keys`, { method: 'POST', headers: { origin: `http://${host}` } }))
        .status,
    ).toBe(401);
  });
});
