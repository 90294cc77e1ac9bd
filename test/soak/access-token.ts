import { createHmac } from 'node:crypto';
import { JWT_SECRET } from '../reliability/support/harness.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An access token for `userId`, valid one hour, signed with the harness's JWT secret as the
 * server's sign-in would sign it: the soaks open thousands of streams without signing up users.
 */
export function accessToken(userId: string): string {
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    sub: userId,
    user_id: userId,
    jti: userId,
    iat,
    exp: iat + 3600,
    typ: 'access',
    username: 'soak',
    is_admin: false,
  };
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', JWT_SECRET).update(body).digest('base64url')}`;
}
