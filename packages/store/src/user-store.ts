/** A registered user. */
export interface User {
  /** Lowercase UUID. */
  readonly id: string;
  /** As given at sign-up; compared case-insensitively. */
  readonly email: string;
  /** As given at sign-up; compared case-insensitively. */
  readonly username: string;
  readonly passwordHash: string;
  /** True for the first user ever created, and only for them. */
  readonly isAdmin: boolean;
  /** RFC 3339 in UTC ending in `Z`. */
  readonly createdAt: string;
}

/** What `UserStore.create` needs; the store assigns `id`, `isAdmin` and `createdAt`. */
export interface NewUser {
  email: string;
  username: string;
  passwordHash: string;
}

/** Users of the server. Every backend passes the shared contract suite `describeUserStore`. */
export interface UserStore {
  /**
   * Creates a user. The first user ever created becomes admin, atomically with respect to other
   * creates. Throws `UserExistsError` (`field` `email` or `username`) on a duplicate, compared
   * case-insensitively.
   */
  create(input: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  /** Case-insensitive. */
  findByEmail(email: string): Promise<User | null>;
  /** Case-insensitive. */
  findByUsername(username: string): Promise<User | null>;
  count(): Promise<number>;
}
