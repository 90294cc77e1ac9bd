import { createPostgresUserStore, type PostgresUserStore } from '@ironflow/store';
import { afterEach, describe, expect, it } from 'vitest';
import { describeUserStore } from './contract/user-store-contract.js';
import { databaseUrl, freshSchema, skipPostgres } from './support/postgres.js';

describe.skipIf(skipPostgres)('PostgreSQL user store', () => {
  const opened: PostgresUserStore[] = [];
  const open = async (schema = freshSchema()) => {
    const store = await createPostgresUserStore({ connectionString: databaseUrl, schema, poolSize: 4 });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  describeUserStore('postgres', () => open());

  it('makes exactly one admin among concurrent first creates on several instances', async () => {
    const schema = freshSchema();
    const instances = await Promise.all([open(schema), open(schema), open(schema)]);
    const users = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (instances[index % 3] as PostgresUserStore).create({
          email: `u${index}@example.com`,
          username: `u${index}`,
          passwordHash: 'h',
        }),
      ),
    );
    expect(users.filter((user) => user.isAdmin)).toHaveLength(1);
    expect(await instances[1]?.count()).toBe(12);
  });

  it('finds by id only for a UUID, returning null otherwise', async () => {
    const store = await open();
    expect(await store.findById('not-a-uuid')).toBeNull();
  });
});
