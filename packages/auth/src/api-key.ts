import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API key starts with this, so scanners and the auth middleware can tell keys from tokens. */
export const API_KEY_PREFIX = 'irfl_';
/** Characters of the lookup prefix after `irfl_`. */
export const API_KEY_LOOKUP_CHARS = 8;
/** Random characters after the lookup prefix: 40 of 62 symbols, about 238 bits. */
const SECRET_CHARS = 40;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9]{${API_KEY_LOOKUP_CHARS + SECRET_CHARS}}$`);
// 248 is the largest multiple of 62 below 256: bytes at or above it are redrawn, so every symbol
// is equally likely.
const UNBIASED_LIMIT = 248;

function randomText(length: number): string {
  let text = '';
  while (text.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_LIMIT && text.length < length) text += ALPHABET[byte % 62];
    }
  }
  return text;
}

/** A freshly drawn API key: the secret to show once, its lookup prefix and the hash to store. */
export interface GeneratedApiKey {
  /** `irfl_` + 8 lookup characters + 40 random characters; shown to its owner once. */
  readonly key: string;
  /** The 8 lookup characters, stored in clear to find the key. */
  readonly prefix: string;
  /** Lowercase hex SHA-256 of `key`, the only form stored. */
  readonly hash: string;
}

/**
 * Draws a new API key from the CSPRNG. A fast hash is right here: the key is 48 random
 * characters (about 285 bits), so no guess can be checked against a leaked hash, unlike a
 * password, which needs a slow KDF.
 *
 * @example
 * const { key, prefix, hash } = generateApiKey();
 * await apiKeys.create({ userId, name, prefix, keyHash: hash, scopes, expiresAt: null });
 * // show `key` to the user once
 */
export function generateApiKey(): GeneratedApiKey {
  const body = randomText(API_KEY_LOOKUP_CHARS + SECRET_CHARS);
  const key = `${API_KEY_PREFIX}${body}`;
  return { key, prefix: body.slice(0, API_KEY_LOOKUP_CHARS), hash: hashApiKey(key) };
}

/** Lowercase hex SHA-256 of `key`. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether `text` looks like an API key (rather than a JWT); says nothing of its validity. */
export function isApiKey(text: string): boolean {
  return text.startsWith(API_KEY_PREFIX);
}

/** The lookup prefix of a well-formed key, or null for anything else. */
export function apiKeyLookupPrefix(key: string): string | null {
  if (!KEY_PATTERN.test(key)) return null;
  return key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + API_KEY_LOOKUP_CHARS);
}

/** Compares `key`'s hash with a stored hex hash in constant time. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const presented = createHash('sha256').update(key, 'utf8').digest();
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
