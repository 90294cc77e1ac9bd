import { createHash } from 'node:crypto';

/** The fixed namespace of {@link userIdForName}; changing it would change every derived user id. */
export const IRONFLOW_USER_NAMESPACE = 'ec8f6528-ce15-4db0-8920-d9051ffd07b2';

/** RFC 9562 UUID version 5 (SHA-1, name-based) of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The user id of a CLI-minted token for `name`: a UUID v5 under {@link IRONFLOW_USER_NAMESPACE}.
 * Deterministic on purpose: the same name always maps to the same user, so tokens minted at
 * different times (or by the development banner) share the per-user stream limit and see the
 * same private `user_*` events.
 */
export function userIdForName(name: string): string {
  return uuidV5(name, IRONFLOW_USER_NAMESPACE);
}
