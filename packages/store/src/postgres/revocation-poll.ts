import type pg from 'pg';
import type { RevocationListener, RevokedApiKey } from '../api-key-store.js';
import type { SchemaNames } from './names.js';

export interface RevocationPollOptions {
  readonly pool: pg.Pool;
  readonly names: SchemaNames;
  readonly periodMs: number;
  readonly onError: (error: unknown, context: string) => void;
}

/** Tells watchers of keys revoked on any instance. */
export interface RevocationPoll {
  watch(listener: RevocationListener): () => void;
  /** A revocation this instance made: told at once, and not again by the poll. */
  announce(key: RevokedApiKey): void;
  close(): Promise<void>;
}

interface RevokedRow {
  now: Date;
  id: string | null;
  prefix: string | null;
  revoked_at: Date | null;
}

// Every poll re-reads this much before the previous poll's time: a revocation's `revoked_at` is
// taken before its commit, so one committed just after a poll read can carry an earlier time.
const OVERLAP_SECONDS = 5;

/**
 * The revocation poll: while anyone watches, one query every `periodMs` for the keys revoked since
 * the last successful poll (minus an overlap), through a partial index. Keys already told are
 * remembered for the overlap, so each revocation is told once per instance. A failed poll leaves
 * its starting point where it was, so the next one also covers the time the database was away.
 */
export function createRevocationPoll(options: RevocationPollOptions): RevocationPoll {
  const { pool, names, periodMs, onError } = options;
  const watchers = new Set<RevocationListener>();
  /** Key ids already told, with their revocation time, forgotten once outside the overlap. */
  const told = new Map<string, number>();
  let since: Date | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let closed = false;

  function tell(key: RevokedApiKey, revokedAtMs: number): void {
    if (told.has(key.id)) return;
    told.set(key.id, revokedAtMs);
    for (const watcher of [...watchers]) {
      try {
        watcher(key);
      } catch (error) {
        onError(error, 'revocation watcher failed');
      }
    }
  }

  async function pollOnce(): Promise<void> {
    const { rows } = await pool.query<RevokedRow>(
      `SELECT n.now, k.id, k.prefix, k.revoked_at
       FROM (SELECT statement_timestamp() AS now) n
       LEFT JOIN ${names.apiKeys} k
         ON k.revoked_at IS NOT NULL
        AND k.revoked_at > coalesce($1::timestamptz, n.now) - make_interval(secs => ${OVERLAP_SECONDS})
       ORDER BY k.revoked_at`,
      [since],
    );
    for (const row of rows) {
      if (row.id !== null && row.prefix !== null && row.revoked_at !== null) {
        tell({ id: row.id, prefix: row.prefix }, row.revoked_at.getTime());
      }
    }
    since = (rows[0] as RevokedRow).now;
    const forgetBefore = since.getTime() - 2 * OVERLAP_SECONDS * 1000;
    for (const [id, at] of told) if (at < forgetBefore) told.delete(id);
  }

  function schedule(): void {
    if (closed || watchers.size === 0 || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = pollOnce()
        .catch((error) => onError(error, 'revocation poll failed'))
        .finally(() => {
          running = null;
          schedule();
        });
    }, periodMs);
    timer.unref();
  }

  return {
    watch(listener) {
      watchers.add(listener);
      schedule();
      return () => {
        watchers.delete(listener);
        if (watchers.size === 0) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
    announce: (key) => tell(key, Date.now()),
    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      watchers.clear();
      await running;
    },
  };
}
