import { randomBytes, scryptSync } from 'node:crypto';
import { hashPassword, InvalidPasswordHashError, passwordNeedsRehash, verifyPassword } from '@ironflow/auth';
import { describe, expect, it } from 'vitest';

const PASSWORD = 'correct horse battery staple';
const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

describe('hashPassword / verifyPassword', () => {
  it('writes a self-describing scrypt hash and verifies the right password only', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword(PASSWORD)).not.toBe(await hashPassword(PASSWORD));
  });

  it('runs scrypt off the event loop', async () => {
    let loopTurned = false;
    setImmediate(() => {
      loopTurned = true;
    });
    await hashPassword(PASSWORD);
    expect(loopTurned).toBe(true);
  });

  it('compares passwords after Unicode NFKC normalisation', async () => {
    expect(await verifyPassword('caf\u0065\u0301', await hashPassword('caf\u00e9'))).toBe(true);
  });

  it('returns false for a tampered hash or salt', async () => {
    const stored = await hashPassword(PASSWORD);
    const parts = stored.split('$');
    const flip = (text: string) => `${text[0] === 'A' ? 'B' : 'A'}${text.slice(1)}`;
    const tamperedSalt = [...parts.slice(0, 3), flip(parts[3] as string), parts[4]].join('$');
    const tamperedHash = [...parts.slice(0, 4), flip(parts[4] as string)].join('$');
    expect(await verifyPassword(PASSWORD, tamperedSalt)).toBe(false);
    expect(await verifyPassword(PASSWORD, tamperedHash)).toBe(false);
  });

  it('rejects a stored value it did not write', async () => {
    const stored = await hashPassword(PASSWORD);
    const [, , , salt, hash] = stored.split('$');
    const malformed = [
      '',
      PASSWORD,
      stored.slice(0, stored.lastIndexOf('$')),
      `${stored}$extra`,
      stored.replace('$scrypt$', '$argon2id$'),
      stored.replace('ln=15', 'ln=40'),
      stored.replace('r=8', 'r=0'),
      stored.replace('p=1', 'p=a'),
      `$scrypt$ln=15,r=8,p=1$${salt}$${hash?.slice(0, 10)}`,
      `$scrypt$ln=15,r=8,p=1$${salt}$!!${hash?.slice(2)}`,
      `$scrypt$ln=15,r=8,p=1$${salt}==$${hash}`,
    ];
    for (const value of malformed) {
      await expect(verifyPassword(PASSWORD, value), value).rejects.toBeInstanceOf(InvalidPasswordHashError);
    }
  });

  it('verifies hashes made with other parameters and flags weaker ones for rehashing', async () => {
    const salt = randomBytes(16);
    const key = scryptSync(PASSWORD, salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const older = `$scrypt$ln=14,r=8,p=1$${b64(salt)}$${b64(key)}`;
    expect(await verifyPassword(PASSWORD, older)).toBe(true);
    expect(passwordNeedsRehash(older)).toBe(true);
    expect(passwordNeedsRehash(await hashPassword(PASSWORD))).toBe(false);
  });
});
