import { randomUUID } from 'node:crypto';
import { UserExistsError } from '../errors.js';
import type { NewUser, User, UserStore } from '../user-store.js';

/** Options of {@link createMemoryUserStore}. */
export interface MemoryUserStoreOptions {
  /**
   * Clock for `createdAt`.
   * @default () => new Date()
   */
  now?: () => Date;
}

/**
 * Creates the in-memory user store, the embedded default backend. Users live as long as the
 * process; emails and usernames are unique, compared case-insensitively.
 *
 * @example
 * const users = createMemoryUserStore();
 * const ada = await users.create({ email: 'ada@example.com', username: 'ada', passwordHash });
 * ada.isAdmin; // true: the first user ever created
 * await users.findByEmail('ADA@example.com'); // ada
 */
export function createMemoryUserStore(options: MemoryUserStoreOptions = {}): UserStore {
  const { now = () => new Date() } = options;
  if (typeof now !== 'function') {
    throw new TypeError(
      'createMemoryUserStore: now must be a function returning a Date, e.g. () => new Date()',
    );
  }
  const byId = new Map<string, User>();
  const byEmail = new Map<string, User>();
  const byUsername = new Map<string, User>();

  return {
    // Nothing in create awaits, so the check, the admin decision and the insert are atomic
    // with respect to concurrent creates.
    async create(input: NewUser) {
      const email = requireText('email', input?.email);
      const username = requireText('username', input?.username);
      const passwordHash = requireText('passwordHash', input?.passwordHash);
      const emailKey = fold(email);
      const usernameKey = fold(username);
      if (byEmail.has(emailKey)) throw new UserExistsError('email');
      if (byUsername.has(usernameKey)) throw new UserExistsError('username');
      const user: User = Object.freeze({
        id: randomUUID(),
        email,
        username,
        passwordHash,
        isAdmin: byId.size === 0,
        createdAt: now().toISOString(),
      });
      byId.set(user.id, user);
      byEmail.set(emailKey, user);
      byUsername.set(usernameKey, user);
      return user;
    },
    findById: async (id) => (typeof id === 'string' ? (byId.get(id.toLowerCase()) ?? null) : null),
    findByEmail: async (email) => (typeof email === 'string' ? (byEmail.get(fold(email)) ?? null) : null),
    findByUsername: async (username) =>
      typeof username === 'string' ? (byUsername.get(fold(username)) ?? null) : null,
    count: async () => byId.size,
  };
}

/** The key under which emails and usernames are compared. */
const fold = (text: string): string => text.toLowerCase();

function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`create: ${name} must be a non-empty string`);
  }
  return value;
}
