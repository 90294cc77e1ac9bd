import { createPasswordHasher, PasswordHasherBusyError, verifyPassword } from '@ironflow/auth';
import { describe, expect, it } from 'vitest';

describe('createPasswordHasher', () => {
  it('hashes and verifies like hashPassword and verifyPassword', async () => {
    const passwords = createPasswordHasher();
    const stored = await passwords.hash('correct horse');
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await passwords.verify('correct horse', stored)).toBe(true);
    expect(await passwords.verify('wrong horse', stored)).toBe(false);
  });

  it('runs at most `concurrency` hashes, queues `maxQueued`, and refuses the rest at once with Retry-After', async () => {
    const passwords = createPasswordHasher({
      concurrency: 1,
      maxQueued: 2,
      retryAfterSeconds: 3,
      restRatio: 0,
    });
    const accepted = [passwords.hash('one-pass'), passwords.hash('two-pass'), passwords.hash('three-pass')];
    expect(passwords.load).toEqual({ running: 1, queued: 2 });
    expect(() => passwords.assertAvailable()).toThrow(PasswordHasherBusyError);
    const refused = await passwords.hash('four-pass').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PasswordHasherBusyError);
    expect(refused).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      headers: { 'Retry-After': '3' },
    });
    await Promise.all(accepted);
    expect(passwords.load).toEqual({ running: 0, queued: 0 });
    passwords.assertAvailable();
    await passwords.hash('five-pass');
  });

  it('rests a slot after each hash for restRatio times its duration', async () => {
    const passwords = createPasswordHasher({ concurrency: 1, maxQueued: 1, restRatio: 1 });
    const started = performance.now();
    await passwords.hash('one-pass');
    const hashMs = performance.now() - started;
    expect(passwords.load.running).toBe(1);
    await passwords.hash('two-pass');
    // The second waited for the first slot's rest, about as long as the first hash took.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * hashMs);
  });

  it('refuses bad options with a message that says how to fix them', () => {
    expect(() => createPasswordHasher({ concurrency: 0 })).toThrow(
      /concurrency must be an integer of at least 1/,
    );
  });
});
