/** Writes several batches in one transaction; resolves with each batch's result, in order. */
export type WriteBatches<In, Out> = (batches: readonly In[]) => Promise<Out[]>;

/** Options of {@link createGroupCommit}. */
export interface GroupCommitOptions<In> {
  /** Size of one batch, to bound a statement (in events). */
  readonly sizeOf: (batch: In) => number;
  /** A statement takes batches until their sizes reach this (always at least one batch). */
  readonly maxSize: number;
}

interface Waiter<In, Out> {
  readonly batch: In;
  resolve(value: Out): void;
  reject(error: unknown): void;
}

/**
 * Group commit for one instance's appends. Every append locks the log's head row until it
 * commits, so concurrent appends run one after another whatever the pool size, each paying a
 * round trip and a commit (a WAL flush) of its own. Here one statement is in flight at a time and
 * the batches that arrive meanwhile go together in the next one: under 16 producers a commit
 * carries many batches, with one lock, one flush and one NOTIFY. A lone append goes at once,
 * so its latency is unchanged. Each batch stays all-or-nothing: when the server refuses a shared
 * statement, its batches are retried one by one, so one batch's refusal is never another's.
 */
export function createGroupCommit<In, Out>(
  write: WriteBatches<In, Out>,
  { sizeOf, maxSize }: GroupCommitOptions<In>,
): (batch: In) => Promise<Out> {
  const queue: Waiter<In, Out>[] = [];
  let writing = false;

  async function writeAlone(waiter: Waiter<In, Out>): Promise<void> {
    try {
      const [out] = await write([waiter.batch]);
      waiter.resolve(out as Out);
    } catch (error) {
      waiter.reject(error);
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      let size = 0;
      let count = 0;
      while (
        count < queue.length &&
        (count === 0 || size + sizeOf((queue[count] as Waiter<In, Out>).batch) <= maxSize)
      ) {
        size += sizeOf((queue[count] as Waiter<In, Out>).batch);
        count += 1;
      }
      const group = queue.splice(0, count);
      if (group.length === 1) {
        await writeAlone(group[0] as Waiter<In, Out>);
        continue;
      }
      try {
        const outs = await write(group.map((waiter) => waiter.batch));
        for (const [index, waiter] of group.entries()) waiter.resolve(outs[index] as Out);
      } catch (error) {
        // Refused by the server (an SQLSTATE): rolled back, so each batch can try on its own. Any
        // other failure (a lost connection) may have committed: retrying could store it twice.
        if (isRefusal(error)) for (const waiter of group) await writeAlone(waiter);
        else for (const waiter of group) waiter.reject(error);
      }
    }
    writing = false;
  }

  return (batch) =>
    new Promise<Out>((resolve, reject) => {
      queue.push({ batch, resolve, reject });
      if (!writing) void drain();
    });
}

/**
 * A PostgreSQL error response (pg's DatabaseError: a severity and an SQLSTATE), so the statement
 * rolled back; a socket error (ECONNRESET, EPIPE…) has neither a severity nor an answer.
 */
function isRefusal(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
