import { availableParallelism } from 'node:os';
import { PasswordHasherBusyError } from './errors.js';
import { hashPassword, verifyPassword } from './password.js';

/** Options of {@link createPasswordHasher}. */
export interface PasswordHasherOptions {
  /**
   * scrypt runs at most this many at once. Each hash keeps a core busy for its whole time, and
   * libuv's thread pool (4 threads by default, `UV_THREADPOOL_SIZE`) serves file reads, zlib and
   * DNS too: the default leaves at least one core to the event loop and half of the pool free.
   * @default min(2, availableParallelism() - 1), at least 1
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
  /**
   * After each hash its slot rests this many times the hash's duration before the next hash
   * may use it, so under a flood the hashes keep a core busy at most `1 / (1 + restRatio)` of
   * the time and the event loop's thread and the pool's other threads get CPU on a busy machine.
   * A lone sign-in is not delayed (the rest comes after its answer). @default 1
   */
  readonly restRatio?: number;
}

/** `hashPassword` and `verifyPassword` behind a bounded queue. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Hashes running and waiting, for metrics and tests. */
  readonly load: { readonly running: number; readonly queued: number };
  /**
   * Throws `PasswordHasherBusyError` now if a hash asked for now would be refused, so a route can
   * refuse before it reads and validates a body: under a flood the refusals stay cheap.
   */
  assertAvailable(): void;
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
  const {
    concurrency = Math.max(1, Math.min(2, availableParallelism() - 1)),
    maxQueued = 16,
    retryAfterSeconds = 1,
    restRatio = 1,
  } = options;
  assertCount(concurrency, 'concurrency', 1);
  assertCount(maxQueued, 'maxQueued', 0);
  assertCount(retryAfterSeconds, 'retryAfterSeconds', 1);
  if (!Number.isFinite(restRatio) || restRatio < 0 || restRatio > 10) {
    throw new TypeError(
      `createPasswordHasher: restRatio must be a number from 0 to 10, got ${String(restRatio)}`,
    );
  }
  let running = 0;
  const waiting: (() => void)[] = [];

  async function limited<T>(work: () => Promise<T>): Promise<T> {
    if (running >= concurrency) {
      if (waiting.length >= maxQueued) throw new PasswordHasherBusyError(retryAfterSeconds);
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    const started = performance.now();
    try {
      return await work();
    } finally {
      const rest = restRatio * (performance.now() - started);
      if (rest >= 1) setTimeout(release, rest).unref();
      else release();
    }
  }

  function release(): void {
    // The slot passes straight to the next waiter, so `running` never undercounts.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }

  return {
    hash: (password) => limited(() => hashPassword(password)),
    verify: (password, stored) => limited(() => verifyPassword(password, stored)),
    get load() {
      return { running, queued: waiting.length };
    },
    assertAvailable() {
      if (running >= concurrency && waiting.length >= maxQueued) {
        throw new PasswordHasherBusyError(retryAfterSeconds);
      }
    },
  };
}
