import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { InvalidPasswordHashError } from './errors.js';

interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

// N = 2^15, r = 8: 32 MiB and about 50-100 ms per hash, OWASP's floor for scrypt.
const CURRENT: ScryptParams = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds for parameters read back from storage, so a corrupt row cannot ask for gigabytes.
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;
const B64 = /^[A-Za-z0-9+/]+$/;
const PARAMS = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/;

function derive(password: string, salt: Buffer, params: ScryptParams, keyBytes: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) => {
    // Node refuses anything above `maxmem` (32 MiB by default), and N=2^15, r=8 needs 32 MiB plus a bit.
    const maxmem = 2 * 128 * N * params.r * params.p;
    // NFKC so the same password typed on different keyboards/platforms hashes the same (NIST 800-63B).
    scrypt(
      password.normalize('NFKC'),
      salt,
      keyBytes,
      { N, r: params.r, p: params.p, maxmem },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function encode(params: ScryptParams, salt: Buffer, key: Buffer): string {
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

function decode(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  if (typeof stored !== 'string') throw new InvalidPasswordHashError('not a string');
  const [empty, id, paramText, saltText, keyText, ...rest] = stored.split('$');
  if (empty !== '' || id !== 'scrypt' || rest.length > 0 || !paramText || !saltText || !keyText) {
    throw new InvalidPasswordHashError('expected $scrypt$ln=…,r=…,p=…$<salt>$<hash>');
  }
  const match = PARAMS.exec(paramText);
  if (!match) throw new InvalidPasswordHashError(`bad parameters ${paramText}`);
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < 1 || ln > MAX_LN || r < 1 || r > MAX_R || p < 1 || p > MAX_P) {
    throw new InvalidPasswordHashError(`parameters out of range ${paramText}`);
  }
  if (!B64.test(saltText) || !B64.test(keyText))
    throw new InvalidPasswordHashError('salt or hash is not base64');
  const salt = Buffer.from(saltText, 'base64');
  const key = Buffer.from(keyText, 'base64');
  // Re-encoding catches truncated or padded-in-the-middle base64 that Buffer.from would accept.
  if (b64(salt) !== saltText || b64(key) !== keyText || key.length < 16) {
    throw new InvalidPasswordHashError('salt or hash is malformed');
  }
  return { params: { ln, r, p }, salt, key };
}

function assertPassword(password: unknown): asserts password is string {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
}

/**
 * Hashes `password` with scrypt (N=2^15, r=8, p=1, 16-byte random salt, 32-byte key) off the
 * event loop. The result names its parameters (`$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, base64
 * without padding), so they can be raised later without breaking stored hashes.
 *
 * @example
 * ```ts
 * const stored = await hashPassword('correct horse battery staple');
 * await verifyPassword('correct horse battery staple', stored); // true
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  assertPassword(password);
  const salt = randomBytes(SALT_BYTES);
  return encode(CURRENT, salt, await derive(password, salt, CURRENT, KEY_BYTES));
}

/**
 * Whether `password` matches `stored` (from {@link hashPassword}), compared in constant time with
 * the parameters the hash was made with.
 * @throws InvalidPasswordHashError when `stored` is not a hash this package wrote (corrupt data).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  assertPassword(password);
  const { params, salt, key } = decode(stored);
  return timingSafeEqual(await derive(password, salt, params, key.length), key);
}

/**
 * Whether `stored` was made with weaker parameters than today's, so a sign-in that just verified
 * the password should store a fresh `hashPassword` result.
 * @throws InvalidPasswordHashError when `stored` is malformed.
 */
export function passwordNeedsRehash(stored: string): boolean {
  const { params, salt, key } = decode(stored);
  return (
    params.ln < CURRENT.ln ||
    params.r < CURRENT.r ||
    params.p < CURRENT.p ||
    salt.length < SALT_BYTES ||
    key.length < KEY_BYTES
  );
}
