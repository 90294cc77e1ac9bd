import { createHmac } from 'node:crypto';
import { createTokenService, InvalidTokenError, type TokenType } from '@ironflow/auth';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBearerToken } from '../src/read-bearer-token.js';
import { alice, SECRET } from './fixtures.js';

const SEED = 20_260_504;
const NOW = new Date('2026-05-01T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const tokens = createTokenService({ secret: SECRET, now: () => NOW });
const typ = fc.constantFrom<TokenType>('access', 'refresh');

/** verify must return claims or throw InvalidTokenError; anything else fails the property. */
function verifyOrInvalid(token: unknown, expected: TokenType) {
  try {
    return tokens.verify(token as string, expected);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    return error;
  }
}

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** HS256 over any payload, by hand: jsonwebtoken's `sign` refuses the malformed claims tried here. */
function signHs256(payload: unknown): string {
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

/** Three dot-separated segments: random JSON headers and payloads, random or empty signatures. */
const jwtShaped = fc
  .tuple(
    fc.oneof(
      fc.record({
        alg: fc.constantFrom('HS256', 'none', 'HS512', 'RS256', 'ES256', 'hs256', ''),
        typ: fc.constant('JWT'),
      }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string()),
    fc.oneof(fc.constant(''), fc.base64String({ maxLength: 64 }), fc.string({ maxLength: 20 })),
  )
  .map(([header, payload, signature]) => `${b64(header)}.${b64(payload)}.${signature}`);

/** Claims near the real ones: each may be missing, of another type, or a nearby value. */
const nearClaims = fc.record(
  {
    sub: fc.oneof(fc.constant(alice.userId), fc.string(), fc.integer()),
    user_id: fc.oneof(fc.constant(alice.userId), fc.string()),
    jti: fc.oneof(fc.uuid(), fc.constant(''), fc.integer()),
    iat: fc.oneof(fc.constant(NOW_SECONDS - 10), fc.double(), fc.string()),
    exp: fc.oneof(
      fc.integer({ min: NOW_SECONDS - 1000, max: NOW_SECONDS + 1000 }),
      fc.double(),
      fc.string(),
      fc.constant(null),
    ),
    nbf: fc.oneof(fc.integer({ min: NOW_SECONDS - 1000, max: NOW_SECONDS + 1000 }), fc.string()),
    typ: fc.oneof(typ, fc.string()),
    username: fc.oneof(fc.constant('alice'), fc.constant(''), fc.integer()),
    is_admin: fc.oneof(fc.boolean(), fc.constant('true'), fc.integer()),
  },
  { requiredKeys: [] },
);

describe('TokenService.verify, property-based', () => {
  it('throws only InvalidTokenError for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ maxLength: 2000 })),
        typ,
        (text, expected) => {
          expect(verifyOrInvalid(text, expected)).toBeInstanceOf(InvalidTokenError);
        },
      ),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it('throws only InvalidTokenError for JWT-shaped strings with random headers, payloads and signatures', () => {
    fc.assert(
      fc.property(jwtShaped, typ, (token, expected) => {
        expect(verifyOrInvalid(token, expected)).toBeInstanceOf(InvalidTokenError);
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });

  it('throws only InvalidTokenError for values that are not strings', () => {
    fc.assert(
      fc.property(fc.anything(), typ, (value, expected) => {
        fc.pre(typeof value !== 'string');
        expect(verifyOrInvalid(value, expected)).toBeInstanceOf(InvalidTokenError);
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('for correctly signed tokens with random claims, accepts exactly those that meet every rule', () => {
    fc.assert(
      fc.property(nearClaims, typ, (claims, expected) => {
        const token = signHs256(claims);
        const result = verifyOrInvalid(token, expected);
        const valid =
          claims.typ === expected &&
          Number.isSafeInteger(claims.exp) &&
          (claims.exp as number) > NOW_SECONDS &&
          Number.isSafeInteger(claims.iat) &&
          typeof claims.sub === 'string' &&
          claims.sub !== '' &&
          claims.user_id === claims.sub &&
          typeof claims.jti === 'string' &&
          claims.jti !== '' &&
          typeof claims.username === 'string' &&
          claims.username !== '' &&
          typeof claims.is_admin === 'boolean' &&
          (claims.nbf === undefined || (typeof claims.nbf === 'number' && claims.nbf <= NOW_SECONDS));
        if (valid) expect(result).toEqual(claims);
        else expect(result).toBeInstanceOf(InvalidTokenError);
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  it('rejects a real token with any single character of it changed', () => {
    const token = tokens.mintAccess(alice);
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.string({ minLength: 1, maxLength: 1 }),
        (at, char) => {
          const changed = token.slice(0, at) + char + token.slice(at + 1);
          fc.pre(changed !== token);
          const result = verifyOrInvalid(changed, 'access');
          // base64url's last character of a segment may carry unused bits: a change there that decodes to
          // the same bytes is the same token, not a forgery.
          if (!(result instanceof InvalidTokenError)) {
            const [h, p, s] = changed.split('.') as [string, string, string];
            const [H, P, S] = token.split('.') as [string, string, string];
            expect(Buffer.from(h, 'base64url').equals(Buffer.from(H, 'base64url'))).toBe(true);
            expect(Buffer.from(p, 'base64url').equals(Buffer.from(P, 'base64url'))).toBe(true);
            expect(Buffer.from(s, 'base64url').equals(Buffer.from(S, 'base64url'))).toBe(true);
          }
        },
      ),
      { seed: SEED, numRuns: 3_000 },
    );
  });
});

describe('readBearerToken, property-based', () => {
  it('never throws and returns a non-empty trimmed credential only for the Bearer scheme', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc
            .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', ''), fc.string())
            .map(([a, b]) => `${a} ${b}`),
        ),
        (header) => {
          const token = readBearerToken(header);
          if (token === undefined) return;
          expect(token).toBe(token.trim());
          expect(token).not.toBe('');
          expect(header.slice(0, 7).toLowerCase()).toBe('bearer ');
        },
      ),
      { seed: SEED, numRuns: 5_000 },
    );
  });
});
