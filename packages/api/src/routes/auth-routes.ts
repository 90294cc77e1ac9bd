import type { AuthState, PasswordHasher, TokenService } from '@ironflow/auth';
import type { SessionStore, UserStore } from '@ironflow/store';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { createAuthCookies } from '../http/auth-cookies.js';
import { createSessionIssuer } from '../http/auth-session.js';
import { createSignInRateLimiter, type SignInRateLimitOptions } from '../http/sign-in-rate-limiter.js';
import { mountAuthMe } from './auth-me.js';
import { mountAuthRefresh } from './auth-refresh.js';
import { mountAuthSignIn } from './auth-sign-in.js';
import { mountAuthSignOut } from './auth-sign-out.js';
import { mountAuthSignUp } from './auth-sign-up.js';
import type { EventSink } from './event-sink.js';

export interface AuthRoutesDeps {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenService;
  readonly passwords: PasswordHasher;
  readonly append: EventSink;
  readonly authenticate: Middleware<AuthState>;
  /** Refuses cross-site requests on the routes that change state with the cookies. */
  readonly sameSite: Middleware;
  readonly environment: 'development' | 'production';
  readonly allowSignUp?: boolean;
  readonly signInRateLimit?: SignInRateLimitOptions | false;
  readonly signUpRateLimit?: SignInRateLimitOptions | false;
}

const UNLIMITED = { take: () => ({ allowed: true as const }), size: 0 };

/** Mounts the five routes under `/api/v1/auth` (docs/PROTOCOL.md §6). */
export function mountAuthRoutes(router: Router, deps: AuthRoutesDeps): void {
  const production = deps.environment === 'production';
  const cookies = createAuthCookies({
    secure: production,
    accessMaxAgeSeconds: deps.tokens.accessTtlSeconds,
    refreshMaxAgeSeconds: deps.tokens.refreshTtlSeconds,
  });
  const sessions = createSessionIssuer({ tokens: deps.tokens, cookies, sessions: deps.sessions });
  const limiter = (options: SignInRateLimitOptions | false | undefined) =>
    options === false ? UNLIMITED : createSignInRateLimiter(options);
  const { users, tokens, passwords, append, sameSite } = deps;
  mountAuthSignUp(router, {
    users,
    sessions,
    passwords,
    append,
    limiter: limiter(deps.signUpRateLimit),
    open: !production || deps.allowSignUp === true,
  });
  mountAuthSignIn(router, { users, sessions, passwords, append, limiter: limiter(deps.signInRateLimit) });
  mountAuthRefresh(router, { users, tokens, sessions, sameSite });
  mountAuthSignOut(router, { tokens, cookies, sessions, append, sameSite });
  mountAuthMe(router, users, deps.authenticate);
}
