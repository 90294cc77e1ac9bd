import { type User, UserExistsError, type UserStore } from '@ironflow/store';
import { describe, expect, it } from 'vitest';

/** Builds a fresh, empty user store of the backend under test. */
export type MakeUserStore = () => Promise<UserStore>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const person = (name: string) => ({
  email: `${name}@example.com`,
  username: name,
  passwordHash: `scrypt$${name}`,
});

async function failureOf(promise: Promise<unknown>): Promise<UserExistsError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UserExistsError);
  return error as UserExistsError;
}

/** The behaviour every `UserStore` backend must show. */
export function describeUserStore(name: string, makeStore: MakeUserStore): void {
  describe(`UserStore contract: ${name}`, () => {
    it('creates users with a uuid, the given fields and an RFC 3339 UTC creation time', async () => {
      const store = await makeStore();
      const before = Date.now();
      const user = await store.create({ email: 'Ada@Example.com', username: 'Ada', passwordHash: 'h' });
      expect(user).toMatchObject({ email: 'Ada@Example.com', username: 'Ada', passwordHash: 'h' });
      expect(user.id).toMatch(UUID);
      expect(user.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(Date.parse(user.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    });

    it('makes the first user admin and no later one', async () => {
      const store = await makeStore();
      const first = await store.create(person('ada'));
      const second = await store.create(person('grace'));
      const third = await store.create(person('linus'));
      expect([first.isAdmin, second.isAdmin, third.isAdmin]).toEqual([true, false, false]);
    });

    it('makes exactly one admin among concurrent first creates', async () => {
      const store = await makeStore();
      const users = await Promise.all(
        Array.from({ length: 10 }, (_, index) => store.create(person(`u${index}`))),
      );
      expect(users.filter((user) => user.isAdmin)).toHaveLength(1);
      expect(new Set(users.map((user) => user.id)).size).toBe(10);
      expect(await store.count()).toBe(10);
    });

    it('rejects a duplicate email, in any case, naming the field', async () => {
      const store = await makeStore();
      await store.create(person('ada'));
      const error = await failureOf(
        store.create({ email: 'ADA@example.COM', username: 'someone', passwordHash: 'h' }),
      );
      expect(error).toMatchObject({ field: 'email', code: 'USER_EXISTS', status: 409, expose: true });
      expect(await store.count()).toBe(1);
      expect(await store.findByUsername('someone')).toBeNull();
    });

    it('rejects a duplicate username, in any case, naming the field', async () => {
      const store = await makeStore();
      await store.create(person('ada'));
      const error = await failureOf(
        store.create({ email: 'other@example.com', username: 'ADA', passwordHash: 'h' }),
      );
      expect(error).toMatchObject({ field: 'username', code: 'USER_EXISTS', status: 409, expose: true });
      expect(await store.count()).toBe(1);
      expect(await store.findByEmail('other@example.com')).toBeNull();
    });

    it('lets exactly one of concurrent creates with the same email win', async () => {
      const store = await makeStore();
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, index) =>
          store.create({ email: 'same@example.com', username: `name${index}`, passwordHash: 'h' }),
        ),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(UserExistsError);
      }
      expect(await store.count()).toBe(1);
    });

    it('finds users by id, email and username, case-insensitively, and null when missing', async () => {
      const store = await makeStore();
      const ada = await store.create(person('Ada'));
      const grace = await store.create(person('grace'));
      const found: (User | null)[] = await Promise.all([
        store.findById(ada.id),
        store.findByEmail('ADA@EXAMPLE.COM'),
        store.findByUsername('aDa'),
      ]);
      expect(found).toEqual([ada, ada, ada]);
      expect(await store.findByUsername('grace')).toEqual(grace);
      expect(await store.findById('00000000-0000-4000-8000-000000000000')).toBeNull();
      expect(await store.findByEmail('nobody@example.com')).toBeNull();
      expect(await store.findByUsername('nobody')).toBeNull();
    });

    it('counts users', async () => {
      const store = await makeStore();
      expect(await store.count()).toBe(0);
      await store.create(person('ada'));
      await store.create(person('grace'));
      expect(await store.count()).toBe(2);
    });
  });
}
