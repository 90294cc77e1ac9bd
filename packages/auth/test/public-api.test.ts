import type { AccessClaims, AuthState, TokenClaims, TokenService } from '@ironflow/auth';
import * as auth from '@ironflow/auth';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('@ironflow/auth public entry', () => {
  it('exports exactly the documented values', () => {
    expect(Object.keys(auth).sort()).toEqual([
      'ACCESS_TOKEN_COOKIE',
      'AuthError',
      'InvalidPasswordHashError',
      'InvalidTokenError',
      'InvalidWorkerTokenError',
      'MissingTokenError',
      'REFRESH_TOKEN_COOKIE',
      'createAuthMiddleware',
      'createTokenService',
      'createWorkerAuthMiddleware',
      'hashPassword',
      'passwordNeedsRehash',
      'readAccessToken',
      'verifyPassword',
    ]);
    expect([auth.ACCESS_TOKEN_COOKIE, auth.REFRESH_TOKEN_COOKIE]).toEqual([
      'ironflow_token',
      'ironflow_refresh',
    ]);
  });

  it('types verify by the expected typ and ctx.state.user as access claims', () => {
    expectTypeOf<ReturnType<TokenService['verify']>>().toEqualTypeOf<TokenClaims>();
    expectTypeOf<AuthState['user']>().toEqualTypeOf<AccessClaims>();
    expectTypeOf<AccessClaims['typ']>().toEqualTypeOf<'access'>();
    const verifyRefresh = (tokens: TokenService) => tokens.verify('token', 'refresh');
    expectTypeOf<ReturnType<typeof verifyRefresh>>().toEqualTypeOf<TokenClaims<'refresh'>>();
  });

  it('gives every client-facing error the shape the api renders', () => {
    for (const error of [
      new auth.MissingTokenError(),
      new auth.InvalidTokenError(),
      new auth.InvalidWorkerTokenError(),
    ]) {
      expect(error).toBeInstanceOf(auth.AuthError);
      expect(error).toMatchObject({ status: 401, expose: true, code: expect.stringMatching(/^[A-Z_]+$/) });
    }
  });
});
