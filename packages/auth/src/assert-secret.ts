/** Throws a `TypeError` saying how to fix it unless `secret` is a non-empty string. */
export function assertSecret(secret: unknown, where: string, fix: string): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError(`${where} must be a non-empty string; ${fix}`);
  }
}
