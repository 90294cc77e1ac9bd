import { API_KEY_PREFIX, type AuthState, generateApiKey } from '@ironflow/auth';
import { type ApiKey, ApiKeyPrefixTakenError, type ApiKeyStore } from '@ironflow/store';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { apiKeyNotFound } from '../errors.js';
import { readValidBody } from '../http/read-valid-body.js';

const MAX_BODY_BYTES = 16 * 1024;
/** A fresh key's prefix collides with about 1 in 62^8 / keys; a few draws always suffice. */
const PREFIX_DRAWS = 3;

const createSchema = z.object({
  name: z
    .string({ message: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters'),
  scopes: z
    .array(z.enum(['events:read', 'events:write'], { message: 'must be events:read or events:write' }), {
      message: 'must be a list of scopes',
    })
    .min(1, 'must name at least one scope')
    .max(2, 'lists each scope at most once')
    .refine((scopes) => new Set(scopes).size === scopes.length, 'lists each scope at most once'),
  expires_at: z.iso
    .datetime({ offset: true, message: 'must be an RFC 3339 time such as 2030-01-01T00:00:00Z' })
    .refine((text) => Date.parse(text) > Date.now(), 'must be in the future')
    .nullable()
    .optional(),
});

/** An API key as the routes show it: never the secret or its hash. */
export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  /** `irfl_` and the lookup prefix: how the key starts, to recognise it. */
  readonly prefix: string;
  readonly scopes: readonly string[];
  readonly created_at: string;
  readonly expires_at: string | null;
}

const view = (key: ApiKey): ApiKeyView => ({
  id: key.id,
  name: key.name,
  prefix: `${API_KEY_PREFIX}${key.prefix}`,
  scopes: key.scopes,
  created_at: key.createdAt,
  expires_at: key.expiresAt,
});

export interface ApiKeyRoutesDeps {
  readonly apiKeys: ApiKeyStore;
  /** Authenticates by session (access token) only: a key cannot mint or revoke keys. */
  readonly authenticate: Middleware<AuthState>;
  /** Refuses cross-site requests. */
  readonly sameSite: Middleware;
}

/**
 * `POST /api/v1/api-keys` (create: `201`, the secret shown once), `GET /api/v1/api-keys` (the
 * caller's live keys) and `DELETE /api/v1/api-keys/{id}` (`204`). Users manage their own keys;
 * an admin may also revoke anyone's key (a leaked key is an incident), but lists only their own.
 */
export function mountApiKeyRoutes(router: Router, deps: ApiKeyRoutesDeps): void {
  const { apiKeys, authenticate, sameSite } = deps;

  router.post('/api/v1/api-keys', sameSite, authenticate, async (ctx) => {
    const body = await readValidBody(ctx, createSchema, MAX_BODY_BYTES);
    const { user } = ctx.state as AuthState;
    for (let draw = 1; ; draw++) {
      const { key, prefix, hash } = generateApiKey();
      try {
        const stored = await apiKeys.create({
          userId: user.user_id,
          name: body.name,
          prefix,
          keyHash: hash,
          scopes: body.scopes,
          expiresAt: body.expires_at ? new Date(body.expires_at).toISOString() : null,
        });
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { data: { ...view(stored), key }, meta: null };
        return;
      } catch (error) {
        if (!(error instanceof ApiKeyPrefixTakenError) || draw >= PREFIX_DRAWS) throw error;
      }
    }
  });

  router.get('/api/v1/api-keys', authenticate, async (ctx) => {
    const { user } = ctx.state as AuthState;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: (await apiKeys.listByUser(user.user_id)).map(view), meta: null };
  });

  router.delete('/api/v1/api-keys/:id', sameSite, authenticate, async (ctx) => {
    const { user } = ctx.state as AuthState;
    const revoked = await apiKeys.revoke(ctx.params.id as string, user.is_admin ? null : user.user_id);
    if (revoked === null) throw apiKeyNotFound();
    ctx.status = 204;
  });
}
