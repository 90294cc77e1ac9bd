import { createMemoryUserStore } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { describeUserStore } from './contract/user-store-contract.js';

describeUserStore('memory', async () => createMemoryUserStore());

describe('createMemoryUserStore', () => {
  it('stamps createdAt with the given clock', async () => {
    const users = createMemoryUserStore({ now: () => new Date('2025-03-04T05:06:07.089Z') });
    const user = await users.create({ email: 'a@example.com', username: 'a', passwordHash: 'h' });
    expect(user.createdAt).toBe('2025-03-04T05:06:07.089Z');
  });

  it('refuses empty fields', async () => {
    const users = createMemoryUserStore();
    await expect(users.create({ email: '', username: 'a', passwordHash: 'h' })).rejects.toThrow(
      'email must be a non-empty string',
    );
    expect(await users.count()).toBe(0);
  });

  it('returns users that cannot be altered through the store', async () => {
    const users = createMemoryUserStore();
    const user = await users.create({ email: 'a@example.com', username: 'a', passwordHash: 'h' });
    expect(Object.isFrozen(user)).toBe(true);
  });
});
