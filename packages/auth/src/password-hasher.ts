import { PasswordHasherBusyError } from './errors.js';
import { hashPassword, verifyPassword } from './password.js';

/** Options of {@link createPasswordHasher}. */
export interface PasswordHasherOptions {
  /**
   * scrypt runs at most this many at once. libuv's thread pool has 4 threads by default
   * (`UV_THREADPOOL_SIZE`) and serves file reads, zlib and DNS too: 2 leaves half of it free.
   * @default 2
   */
  readonly concurrency?: number;
  /**
   * Hashes waiting for a slot; one more is refused with `PasswordHasherBusyError` (503). At about
   * 80 ms a hash, 16 waiting at concurrency 2 is at most about 0.7 s of queue.
   * @default 16
   */
  readonly maxQueued?: number;
  /** `Retry-After` of the refusal, in seconds. @default 1 */
  readonly retryAfterSeconds?: number;
}

/** `hashPassword` and `verifyPassword` behind a bounded queue. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Hashes running and waiting, for metrics and tests. */
  readonly load: { readonly running: number; readonly queued: number };
}

function assertCount(value: number, name: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TypeError(
      `createPasswordHasher: ${name} must be an integer of at least ${min}, got ${String(value)}`,
    );
  }
}

/**
 * Creates a password hasher whose scrypt work is capped: at most `concurrency` hashes run, at
 * most `maxQueued` wait, the rest are refused at once with `PasswordHasherBusyError`. A flood of
 * sign-ins and sign-ups then costs the server a bounded share of its thread pool and memory,
 * and the streams, ingest and page loads that share that pool stay fast.
 *
 * @example
 * const passwords = createPasswordHasher({ concurrency: 2, maxQueued: 16 });
 * const stored = await passwords.hash(password); // may throw PasswordHasherBusyError (503)
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const { concurrency = 2, maxQueued = 16, retryAfterSeconds = 1 } = options;
  assertCount(concurrency, 'concurrency', 1);
  assertCount(maxQueued, 'maxQueued', 0);
  assertCount(retryAfterSeconds, 'retryAfterSeconds', 1);
  let running = 0;
  const waiting: (() => void)[] = [];

  async function limited<T>(work: () => Promise<T>): Promise<T> {
    if (running >= concurrency) {
      if (waiting.length >= maxQueued) throw new PasswordHasherBusyError(retryAfterSeconds);
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiter, so `running` never undercounts.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  return {
    hash: (password) => limited(() => hashPassword(password)),
    verify: (password, stored) => limited(() => verifyPassword(password, stored)),
    get load() {
      return { running, queued: waiting.length };
    },
  };
}
