import type { AuthState, TokenService } from '@ironflow/auth';
import type { UserStore } from '@ironflow/store';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { createAuthCookies } from '../http/auth-cookies.js';
import { createSignInRateLimiter, type SignInRateLimitOptions } from '../http/sign-in-rate-limiter.js';
import { mountAuthMe } from './auth-me.js';
import { mountAuthRefresh } from './auth-refresh.js';
import { mountAuthSignIn } from './auth-sign-in.js';
import { mountAuthSignOut } from './auth-sign-out.js';
import { mountAuthSignUp } from './auth-sign-up.js';
import type { EventSink } from './event-sink.js';

export interface AuthRoutesDeps {
  readonly users: UserStore;
  readonly tokens: TokenService;
  readonly append: EventSink;
  readonly authenticate: Middleware<AuthState>;
  readonly environment: 'development' | 'production';
  readonly allowSignUp?: boolean;
  readonly signInRateLimit?: SignInRateLimitOptions;
}

/** Mounts the five routes under `/api/v1/auth` (docs/PROTOCOL.md §6). */
export function mountAuthRoutes(router: Router, deps: AuthRoutesDeps): void {
  const production = deps.environment === 'production';
  const cookies = createAuthCookies({
    secure: production,
    accessMaxAgeSeconds: deps.tokens.accessTtlSeconds,
    refreshMaxAgeSeconds: deps.tokens.refreshTtlSeconds,
  });
  const { users, tokens, append } = deps;
  mountAuthSignUp(router, { users, tokens, cookies, append, open: !production || deps.allowSignUp === true });
  mountAuthSignIn(router, {
    users,
    tokens,
    cookies,
    append,
    limiter: createSignInRateLimiter(deps.signInRateLimit),
  });
  mountAuthRefresh(router, { users, tokens, cookies });
  mountAuthSignOut(router, { tokens, cookies, append });
  mountAuthMe(router, users, deps.authenticate);
}
