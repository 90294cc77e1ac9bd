import { createTokenService } from '@ironflow/auth';
import type { Config } from './config.js';
import { userIdForName } from './user-id.js';

/** What `ironflow token` mints. */
export interface TokenRequest {
  readonly username: string;
  readonly isAdmin: boolean;
  /** Lifetime in seconds; the token service's default (900 access, 604800 refresh) when absent. */
  readonly ttlSeconds?: number;
  /** A refresh token instead of an access token. */
  readonly refresh: boolean;
}

/**
 * Mints a token signed with the configured `JWT_SECRET` for `username`, whose user id is the
 * deterministic {@link userIdForName}. Access tokens are self-contained, so the user need not
 * exist in the store.
 */
export function mintCliToken(config: Config, request: TokenRequest): string {
  const { username, isAdmin, ttlSeconds, refresh } = request;
  const tokens = createTokenService({
    secret: config.jwtSecret,
    ...(ttlSeconds === undefined
      ? {}
      : refresh
        ? { refreshTtlSeconds: ttlSeconds }
        : { accessTtlSeconds: ttlSeconds }),
  });
  const subject = { userId: userIdForName(username), username, isAdmin };
  return refresh ? tokens.mintRefresh(subject) : tokens.mintAccess(subject);
}
