import { API_KEY_SCOPES, type NewApiKey } from './api-key-store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Whether `id` is a UUID (any case); ids that are not can match nothing. */
export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID.test(id);

/** Checks what both backends store, so a caller's bug fails loudly rather than storing junk. */
export function checkNewApiKey(input: NewApiKey): void {
  const fail = (message: string): never => {
    throw new TypeError(`ApiKeyStore.create: ${message}`);
  };
  if (!isUuid(input?.userId)) fail('userId must be the owner’s UUID');
  if (typeof input.name !== 'string' || input.name.length === 0) fail('name must be a non-empty string');
  if (typeof input.prefix !== 'string' || input.prefix.length === 0)
    fail('prefix must be a non-empty string');
  if (typeof input.keyHash !== 'string' || !HEX_SHA256.test(input.keyHash))
    fail('keyHash must be a lowercase hex SHA-256');
  const scopes = input.scopes;
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => API_KEY_SCOPES.includes(s)))
    fail(`scopes must be a non-empty list of ${API_KEY_SCOPES.join(', ')}`);
  if (input.expiresAt !== null && Number.isNaN(Date.parse(input.expiresAt)))
    fail('expiresAt must be an RFC 3339 time or null');
}
