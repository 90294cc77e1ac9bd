import { createHash, randomUUID } from 'node:crypto';
import {
  createPostgresApiKeyStore,
  createPostgresSessionStore,
  createPostgresUserStore,
  type PostgresApiKeyStore,
  type RevokedApiKey,
} from '@ironflow/store';
import { waitFor } from '@ironflow/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { describeApiKeyStore } from './contract/api-key-store-contract.js';
import { describeSessionStore } from './contract/session-store-contract.js';
import { databaseUrl, freshSchema, skipPostgres } from './support/postgres.js';

describe.skipIf(skipPostgres)('PostgreSQL API keys and sessions', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  async function twoUsers(schema: string): Promise<[string, string]> {
    const users = await createPostgresUserStore({ connectionString: databaseUrl, schema, poolSize: 2 });
    closers.push(() => users.close());
    const make = (name: string) =>
      users.create({ email: `${name}@example.com`, username: name, passwordHash: 'h' }).then((u) => u.id);
    return [await make('ada'), await make('grace')];
  }

  async function keys(schema: string, revocationPollMs = 100): Promise<PostgresApiKeyStore> {
    const store = await createPostgresApiKeyStore({
      connectionString: databaseUrl,
      schema,
      poolSize: 2,
      revocationPollMs,
    });
    closers.push(() => store.close());
    return store;
  }

  describeApiKeyStore('postgres', async () => {
    const schema = freshSchema();
    const userIds = await twoUsers(schema);
    return { store: await keys(schema), userIds };
  });

  describeSessionStore('postgres', async () => {
    const schema = freshSchema();
    const [userId] = await twoUsers(schema);
    const store = await createPostgresSessionStore({ connectionString: databaseUrl, schema, poolSize: 2 });
    closers.push(() => store.close());
    return { store, userId };
  });

  it('tells another instance of a revocation within its poll period', async () => {
    const schema = freshSchema();
    const [owner] = await twoUsers(schema);
    const [here, there] = [await keys(schema), await keys(schema, 200)];
    const told: RevokedApiKey[] = [];
    there.watchRevocations((key) => told.push(key));
    const key = await here.create({
      userId: owner,
      name: 'svc',
      prefix: 'abcdefgh',
      keyHash: createHash('sha256').update(randomUUID()).digest('hex'),
      scopes: ['events:read'],
      expiresAt: null,
    });
    const revokedAt = Date.now();
    await here.revoke(key.id, owner);
    await waitFor(() => told.length > 0, 'the other instance to hear of the revocation', 5000);
    expect(Date.now() - revokedAt).toBeLessThan(5000);
    expect(told).toEqual([{ id: key.id, prefix: 'abcdefgh' }]);
    // Told once, though later polls still see it inside their overlap.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(told).toHaveLength(1);
  });
});
