import { type AuthState, InvalidTokenError } from '@ironflow/auth';
import type { UserStore } from '@ironflow/store';
import type Router from '@koa/router';
import type { Middleware } from 'koa';

/**
 * `GET /api/v1/auth/me`: the signed-in user, read from the store, in upstream's shape (the
 * user's id as `user_id`, not wrapped in `user` as the session answers are).
 */
export function mountAuthMe(router: Router, users: UserStore, authenticate: Middleware<AuthState>): void {
  router.get('/api/v1/auth/me', authenticate, async (ctx) => {
    const claims = (ctx.state as AuthState).user;
    const user = await users.findById(claims.user_id);
    if (user === null) throw new InvalidTokenError({ cause: new Error('the user no longer exists') });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      data: {
        user_id: user.id,
        email: user.email,
        username: user.username,
        is_admin: user.isAdmin,
        created_at: user.createdAt,
      },
      meta: null,
    };
  });
}
