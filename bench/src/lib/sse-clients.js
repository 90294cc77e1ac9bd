import { fork } from 'node:child_process';
import { sample } from './proc-stats.js';

const WORKER = new URL('./sse-client-worker.js', import.meta.url);

/**
 * SSE clients spread over `workers` child processes (so they never share the server's event loop
 * or one core), each checking its own sequence. Every call is bounded by `timeoutMs`.
 */
export class SseClients {
  constructor(workers) {
    this.workers = Array.from({ length: workers }, () => {
      const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const pending = new Map();
      child.on('message', (msg) => {
        const waiter = pending.get(msg.id);
        if (waiter) {
          pending.delete(msg.id);
          waiter.resolve(msg);
        }
      });
      child.on('exit', () => {
        for (const waiter of pending.values()) waiter.reject(new Error('client worker exited'));
        pending.clear();
      });
      return { child, pending };
    });
    this.nextId = 1;
  }

  get pids() {
    return this.workers.map((w) => w.child.pid);
  }

  /** CPU seconds used by the client processes so far. */
  cpu() {
    return sample(this.pids).cpu;
  }

  call(worker, msg, timeoutMs) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.pending.delete(id);
        resolve({ timedOut: true });
      }, timeoutMs);
      worker.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      worker.child.send({ ...msg, id });
    });
  }

  all(msg, timeoutMs = 60_000) {
    return Promise.all(this.workers.map((w) => this.call(w, msg, timeoutMs)));
  }

  /**
   * Opens one client per spec (`{ path, headers, expect: { first, stride, count } }`), round-robin
   * over the workers; resolves with the number that failed to open.
   */
  async open(port, specs, { latency = 0, trackIds = false, timeoutMs = 120_000 } = {}) {
    const shares = this.workers.map(() => []);
    for (let i = 0; i < specs.length; i++) shares[i % shares.length].push(specs[i]);
    this.shares = shares.map((share) => share.length);
    const replies = await Promise.all(
      this.workers.map((w, i) =>
        this.call(w, { type: 'open', port, clients: shares[i], latency, trackIds }, timeoutMs),
      ),
    );
    return replies.reduce((n, r) => n + (r.timedOut ? Number.POSITIVE_INFINITY : r.failed), 0);
  }

  /** Sets every client's expectation (one `{ first, stride, count }` for all, or a function of its index). */
  async expect(expectOf, { latency = 0 } = {}) {
    await Promise.all(
      this.workers.map((w, wi) => {
        const n = this.shares[wi];
        const expect = [];
        for (let k = 0; k < n; k++) expect.push(expectOf(wi + k * this.workers.length));
        return this.call(w, { type: 'expect', expect, latency }, 30_000);
      }),
    );
  }

  /** Every client now also expects the next `count` events of its sequence. */
  async extend(count) {
    await this.all({ type: 'extend', count });
  }

  /** Resolves with the wall-clock time (ms) at which the last client completed, or null on timeout. */
  async waitDone(timeoutMs) {
    const replies = await this.all({ type: 'waitDone' }, timeoutMs);
    if (replies.some((r) => r.timedOut)) return null;
    return Math.max(...replies.map((r) => r.at));
  }

  /** Sums every worker's correctness counters and gathers latency samples. */
  async report() {
    const replies = await this.all({ type: 'report' });
    const total = { clients: 0, open: 0, received: 0, lost: 0, duplicates: 0, incomplete: 0, failures: 0 };
    let firstFailure = null;
    const latencies = [];
    for (const r of replies) {
      for (const key of Object.keys(total)) total[key] += r[key] ?? 0;
      firstFailure ??= r.firstFailure;
      for (const l of r.latencies ?? []) latencies.push(l);
    }
    return { ...total, firstFailure, latencies };
  }

  async drop() {
    await this.all({ type: 'drop' });
  }

  /** Reconnects every client at once with its last cursor; resolves with how many failed. */
  async reconnect(timeoutMs = 120_000) {
    const replies = await this.all({ type: 'reconnect' }, timeoutMs);
    return replies.reduce((n, r) => n + (r.timedOut ? Number.POSITIVE_INFINITY : r.failed), 0);
  }

  async close() {
    for (const w of this.workers) {
      w.child.disconnect();
      w.child.kill();
    }
  }
}
