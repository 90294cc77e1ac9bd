/** What an API key may do: follow the stream and read history, or publish events. */
export type ApiKeyScope = 'events:read' | 'events:write';

/** Every scope, in the order they are listed. */
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['events:read', 'events:write'];

/** A stored API key: never the secret itself, only its hash. */
export interface ApiKey {
  /** Lowercase UUID. */
  readonly id: string;
  /** The user who created it; the key acts with that user's rights. */
  readonly userId: string;
  readonly name: string;
  /** The lookup prefix (the 8 characters after `irfl_`), unique among keys. */
  readonly prefix: string;
  /** Lowercase hex SHA-256 of the whole key. */
  readonly keyHash: string;
  readonly scopes: readonly ApiKeyScope[];
  /** RFC 3339 in UTC ending in `Z`. */
  readonly createdAt: string;
  /** RFC 3339 in UTC, or null for a key that never expires. */
  readonly expiresAt: string | null;
  /** RFC 3339 in UTC once revoked, else null. */
  readonly revokedAt: string | null;
}

/** What `ApiKeyStore.create` needs; the store assigns `id` and `createdAt`. */
export interface NewApiKey {
  readonly userId: string;
  readonly name: string;
  readonly prefix: string;
  readonly keyHash: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly expiresAt: string | null;
}

/** A key that was revoked, as revocation watchers are told of it. */
export interface RevokedApiKey {
  readonly id: string;
  readonly prefix: string;
}

/** Told of every revoked key, on every instance that shares the store. */
export type RevocationListener = (key: RevokedApiKey) => void;

/** API keys of the server's users. Every backend passes the contract suite `describeApiKeyStore`. */
export interface ApiKeyStore {
  /** Stores a key. Throws `ApiKeyPrefixTakenError` when another key has the same prefix. */
  create(input: NewApiKey): Promise<ApiKey>;
  /** The key with this lookup prefix, revoked or expired ones included; null when none. */
  findByPrefix(prefix: string): Promise<ApiKey | null>;
  /** The user's keys that are not revoked, oldest first (expired ones included). */
  listByUser(userId: string): Promise<ApiKey[]>;
  /**
   * Revokes key `id` if it exists, is not revoked yet and belongs to `userId` (any owner when
   * `userId` is null). Returns the revoked key, or null when nothing was revoked.
   */
  revoke(id: string, userId: string | null): Promise<ApiKey | null>;
  /**
   * Calls `listener` for every key revoked from now on, by this instance or (on a shared backend)
   * any other, within a couple of seconds. Returns a function that stops it.
   */
  watchRevocations(listener: RevocationListener): () => void;
}
