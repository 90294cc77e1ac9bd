import type { TokenSubject } from '@ironflow/auth';

export const SECRET = 'test-secret-0123456789abcdef0123456789';

export const alice: TokenSubject = {
  userId: '0192f2a4-7c1e-7a3b-9c2d-1e2f3a4b5c6d',
  username: 'alice',
  isAdmin: true,
};

export const bob: TokenSubject = {
  userId: '0192f2a4-7c1e-7a3b-9c2d-aaaaaaaaaaaa',
  username: 'bob',
  isAdmin: false,
};

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned `alg: none` token, as an attacker would hand-craft it. */
export function unsignedToken(payload: object): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
}

export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
