import { describe, expect, it } from 'vitest';
import { createApp } from '../src/index.js';
import { useTestServers } from './support/test-server.js';

const server = useTestServers();

const signIn = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'nobody', password: 'wrong password' }),
  });

describe('client address and TRUSTED_PROXIES', () => {
  it('ignores X-Forwarded-For from an untrusted peer: one bucket whatever the header says', async () => {
    const srv = await server({ signInRateLimit: { limit: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await signIn(srv.url, { 'x-forwarded-for': `203.0.113.${i}` })).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('takes the client from X-Forwarded-For when the peer is a trusted proxy: a bucket per client', async () => {
    const srv = await server({ signInRateLimit: { limit: 2 }, trustedProxies: ['127.0.0.0/8', '::1'] });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await signIn(srv.url, { 'x-forwarded-for': `203.0.113.${i}` })).status);
    expect(statuses).toEqual([401, 401, 401]);
    // The same client behind the proxy is still counted.
    const same = [];
    for (let i = 0; i < 3; i++)
      same.push((await signIn(srv.url, { 'x-forwarded-for': '198.51.100.7' })).status);
    expect(same).toEqual([401, 401, 429]);
    // A client cannot hide behind an address it prepends: the rightmost untrusted hop counts.
    expect((await signIn(srv.url, { 'x-forwarded-for': '192.0.2.1, 198.51.100.7' })).status).toBe(429);
  });

  it('refuses a trusted proxy that is not an address or CIDR when the app is built', () => {
    expect(() =>
      createApp({
        log: {} as never,
        users: {} as never,
        tokens: {} as never,
        jwtSecret: 'x',
        workerToken: 'y',
        environment: 'development',
        trustedProxies: ['not-an-ip'],
      }),
    ).toThrow(/trusted proxies must be IP addresses or CIDRs/);
  });
});

describe('sign-up rate limit', () => {
  it('limits sign-up per address with its own count, apart from sign-in, with Retry-After', async () => {
    const srv = await server({ signInRateLimit: { limit: 2 } });
    const signUp = (n: number) =>
      fetch(`${srv.url}/api/v1/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `u${n}@example.com`,
          username: `user${n}`,
          password: 'correct horse battery',
        }),
      });
    expect((await signUp(1)).status).toBe(201);
    expect((await signUp(2)).status).toBe(201);
    const refused = await signUp(3);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_REQUESTS');
    // Sign-in still has its own two attempts.
    expect((await signIn(srv.url)).status).toBe(401);
  });
});
