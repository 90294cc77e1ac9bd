import type { AccessClaims, AuthState, AuthUser, TokenClaims, TokenService } from '@ironflow/auth';
import * as auth from '@ironflow/auth';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('@ironflow/auth public entry', () => {
  it('exports exactly the documented values', () => {
    expect(Object.keys(auth).sort()).toEqual([
      'ACCESS_TOKEN_COOKIE',
      'API_KEY_PREFIX',
      'AuthError',
      'InvalidPasswordHashError',
      'InvalidTokenError',
      'InvalidWorkerTokenError',
      'MissingTokenError',
      'PasswordHasherBusyError',
      'REFRESH_TOKEN_COOKIE',
      'WORKER_CREDENTIAL',
      'apiKeyCredentialId',
      'apiKeyLookupPrefix',
      'createApiKeyVerifier',
      'createAuthMiddleware',
      'createPasswordHasher',
      'createTokenService',
      'createWorkerAuthMiddleware',
      'generateApiKey',
      'hashApiKey',
      'hashPassword',
      'isApiKey',
      'passwordNeedsRehash',
      'readAccessToken',
      'verifyPassword',
    ]);
    expect([auth.ACCESS_TOKEN_COOKIE, auth.REFRESH_TOKEN_COOKIE]).toEqual([
      'ironflow_token',
      'ironflow_refresh',
    ]);
  });

  it('types verify by the expected typ and ctx.state.user as the user of any credential', () => {
    expectTypeOf<ReturnType<TokenService['verify']>>().toEqualTypeOf<TokenClaims>();
    expectTypeOf<AuthState['user']>().toEqualTypeOf<AuthUser>();
    expectTypeOf<AccessClaims>().toExtend<AuthUser>();
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
