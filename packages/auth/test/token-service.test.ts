import { generateKeyPairSync } from 'node:crypto';
import { createTokenService, InvalidTokenError } from '@ironflow/auth';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { alice, bob, SECRET, UUID_V7, unsignedToken } from './fixtures.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const T0_SECONDS = T0.getTime() / 1000;
const at = (date: Date) => createTokenService({ secret: SECRET, now: () => date });
const plusSeconds = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function expectInvalid(run: () => unknown): InvalidTokenError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return error as InvalidTokenError;
  }
  throw new Error('expected InvalidTokenError');
}

describe('createTokenService', () => {
  it('mints an HS256 access token with exactly docs/PROTOCOL.md claims and verifies it', () => {
    const tokens = at(T0);
    const token = tokens.mintAccess(alice);

    const decoded = jwt.decode(token, { complete: true });
    expect(decoded?.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const payload = decoded?.payload as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual([
      'sub',
      'user_id',
      'jti',
      'iat',
      'exp',
      'typ',
      'username',
      'is_admin',
    ]);
    expect(payload).toEqual({
      sub: alice.userId,
      user_id: alice.userId,
      jti: expect.stringMatching(UUID_V7),
      iat: T0_SECONDS,
      exp: T0_SECONDS + 900,
      typ: 'access',
      username: 'alice',
      is_admin: true,
    });
    expect(tokens.verify(token, 'access')).toEqual(payload);
  });

  it('mints a refresh token with typ refresh and a 7-day lifetime', () => {
    const tokens = at(T0);
    const claims = tokens.verify(tokens.mintRefresh(bob), 'refresh');
    expect(claims).toMatchObject({ sub: bob.userId, typ: 'refresh', username: 'bob', is_admin: false });
    expect(claims.exp - claims.iat).toBe(604_800);
  });

  it('gives every token its own jti and honours custom lifetimes', () => {
    const tokens = createTokenService({
      secret: SECRET,
      accessTtlSeconds: 60,
      refreshTtlSeconds: 120,
      now: () => T0,
    });
    const a = tokens.verify(tokens.mintAccess(alice), 'access');
    const b = tokens.verify(tokens.mintAccess(alice), 'access');
    expect(a.jti).not.toBe(b.jti);
    expect(a.exp).toBe(T0_SECONDS + 60);
    expect(tokens.verify(tokens.mintRefresh(alice), 'refresh').exp).toBe(T0_SECONDS + 120);
    expect([tokens.accessTtlSeconds, tokens.refreshTtlSeconds]).toEqual([60, 120]);
  });

  it('lowercases the user id', () => {
    const claims = at(T0).verify(
      at(T0).mintAccess({ ...alice, userId: alice.userId.toUpperCase() }),
      'access',
    );
    expect([claims.sub, claims.user_id]).toEqual([alice.userId, alice.userId]);
  });

  it('accepts a token until its exp and rejects it from exp on', () => {
    const token = at(T0).mintAccess(alice);
    expect(at(plusSeconds(899)).verify(token, 'access').sub).toBe(alice.userId);
    expectInvalid(() => at(plusSeconds(900)).verify(token, 'access'));
  });

  it('checks typ against the use', () => {
    const tokens = at(T0);
    expectInvalid(() => tokens.verify(tokens.mintRefresh(alice), 'access'));
    expectInvalid(() => tokens.verify(tokens.mintAccess(alice), 'refresh'));
  });

  it('rejects a token signed with another secret', () => {
    const other = createTokenService({ secret: 'another-secret', now: () => T0 });
    expectInvalid(() => at(T0).verify(other.mintAccess(alice), 'access'));
  });

  it('rejects every algorithm but HS256', () => {
    const payload = jwt.decode(at(T0).mintAccess(alice)) as object;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = [
      jwt.sign(payload, SECRET, { algorithm: 'HS512' }),
      jwt.sign(payload, SECRET, { algorithm: 'HS384' }),
      jwt.sign(payload, privateKey, { algorithm: 'RS256' }),
      unsignedToken(payload),
    ];
    for (const token of forged) expectInvalid(() => at(T0).verify(token, 'access'));
  });

  it('requires exp and every other claim', () => {
    const payload = jwt.decode(at(T0).mintAccess(alice)) as Record<string, unknown>;
    for (const claim of Object.keys(payload)) {
      const { [claim]: _dropped, ...rest } = payload;
      // jsonwebtoken adds an iat unless told not to; only the dropped claim may be missing.
      const token = jwt.sign(rest, SECRET, { algorithm: 'HS256', noTimestamp: claim === 'iat' });
      const error = expectInvalid(() => at(T0).verify(token, 'access'));
      expect((error.cause as Error).message).toContain(claim);
    }
    const mismatched = jwt.sign({ ...payload, user_id: bob.userId }, SECRET, { algorithm: 'HS256' });
    expectInvalid(() => at(T0).verify(mismatched, 'access'));
  });

  it('rejects a tampered signature or payload and malformed input', () => {
    const token = at(T0).mintAccess(bob);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    const promoted = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), is_admin: true }),
    ).toString('base64url');
    for (const bad of [
      `${header}.${payload}.${flipped}`,
      `${header}.${promoted}.${signature}`,
      'nope',
      '',
      token.slice(0, -1),
    ]) {
      expectInvalid(() => at(T0).verify(bad, 'access'));
    }
  });

  it('throws an exposed 401 INVALID_TOKEN keeping the reason as cause', () => {
    const error = expectInvalid(() => at(T0).verify(at(T0).mintRefresh(alice), 'access'));
    expect(error).toMatchObject({
      status: 401,
      code: 'INVALID_TOKEN',
      expose: true,
      message: 'Invalid or expired authentication token',
    });
    expect(String((error.cause as Error).message)).toContain('typ');
  });

  it('checks its options and the subject with messages that say how to fix them', () => {
    expect(() => createTokenService({ secret: '' })).toThrow(
      /secret must be a non-empty string; pass JWT_SECRET/,
    );
    for (const ttl of [0, -1, 1.5, Number.NaN]) {
      expect(() => createTokenService({ secret: SECRET, accessTtlSeconds: ttl })).toThrow(
        /accessTtlSeconds must be a positive integer/,
      );
      expect(() => createTokenService({ secret: SECRET, refreshTtlSeconds: ttl })).toThrow(
        /refreshTtlSeconds must be a positive integer/,
      );
    }
    expect(() => at(T0).mintAccess({ ...alice, userId: 'alice' })).toThrow(/userId must be the user's UUID/);
    expect(() => at(T0).mintAccess({ ...alice, username: '' })).toThrow(
      /username must be a non-empty string/,
    );
  });
});
