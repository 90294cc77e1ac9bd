import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET } from '../src/dev-defaults.js';
import { userIdForName } from '../src/user-id.js';
import { runCli } from './support/built.js';

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** Verifies an HS256 JWT by hand, so the test does not trust the code that signed it. */
function verifyHs256(token: string, secret: string): Record<string, unknown> {
  const [header, payload, signature] = token.split('.');
  expect(decode(header ?? '')).toEqual({ alg: 'HS256', typ: 'JWT' });
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  expect(signature).toBe(expected);
  return decode(payload ?? '');
}

describe('ironflow token', () => {
  it('prints an access token signed with the development secret, with docs/PROTOCOL.md claims', async () => {
    const { code, stdout, stderr } = await runCli(['token', '--user', 'alice', '--admin']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = verifyHs256(stdout.trim(), DEV_JWT_SECRET);
    const userId = userIdForName('alice');
    expect(claims).toEqual({
      sub: userId,
      user_id: userId,
      jti: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      iat: expect.any(Number),
      exp: expect.any(Number),
      typ: 'access',
      username: 'alice',
      is_admin: true,
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('signs with the configured JWT_SECRET and honours --ttl, --refresh and no --admin', async () => {
    const secret = 's'.repeat(40);
    const { code, stdout } = await runCli(['token', '--user', 'bob', '--ttl', '60', '--refresh'], {
      JWT_SECRET: secret,
    });
    expect(code).toBe(0);
    const claims = verifyHs256(stdout.trim(), secret);
    expect(claims).toMatchObject({
      typ: 'refresh',
      username: 'bob',
      is_admin: false,
      user_id: userIdForName('bob'),
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);
  });

  it.each([
    [['token'], '--user NAME is required'],
    [['token', '--user', 'a', '--ttl', '0'], '--ttl must be a whole number of seconds'],
    [['token', '--user', 'a', '--ttl', 'soon'], '--ttl must be a whole number of seconds'],
    [['token', '--user', 'a', '--bogus'], "Unknown option '--bogus'"],
    [['token', '--user'], "Option '--user <value>' argument missing"],
    [['frobnicate'], 'unknown command: frobnicate'],
    [[], 'missing command'],
  ])('%j is a usage error: exit 2, the problem and a pointer to help on stderr', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('Run `ironflow help`');
    expect(stderr).not.toContain('Usage: ironflow <command>');
  });

  it('refuses to sign with an invalid configuration: exit 2 and the list on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['token', '--user', 'a'], { IRONFLOW_ENV: 'production' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('JWT_SECRET: is required in production');
    expect(stderr).toContain('WORKER_TOKEN: is required in production');
  });

  it.each([['help'], ['--help'], ['-h']])('%s prints usage on stdout and exits 0', async (flag) => {
    const { code, stdout, stderr } = await runCli([flag]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('token --user NAME [--admin] [--ttl SECONDS] [--refresh]');
  });
});
