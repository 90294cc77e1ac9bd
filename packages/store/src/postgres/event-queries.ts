import { type EventKind, type IronflowEvent, runIdOf, serializeEvent, userIdOf } from '@ironflow/engine';
import type pg from 'pg';
import { formatCursor } from '../cursor.js';
import type { StoredEvent } from '../event-log.js';
import { isUserKind, type NormalisedReadOptions, splitVisibleKinds } from '../read-options.js';
import { storedEvent, storedEventFromFields } from '../stored-event.js';
import type { SchemaNames } from './names.js';

/** A row of the events table as the queries below select it (`int8` arrives as text). */
export interface EventRow {
  seq: string;
  json: string;
  kind: EventKind;
  run_id: string | null;
  user_id: string | null;
  batch_last: string;
  appended_at_ms: number;
}

/** `column` in milliseconds since the Unix epoch, as float8 so that pg hands over a number. */
const epochMs = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::float8 AS appended_at_ms`;

/**
 * Separates the events of one append's text parameter (the statement splits on `E'\\x1e'`):
 * never raw inside canonical JSON.
 */
const EVENT_SEPARATOR = '\u001e';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Builds the frozen StoredEvent of a row from its columns; the event is parsed from its canonical
 * json when first used (the tail of every instance reads every row, and routing needs only the
 * columns). A `user_*` row without `user_id` (appended by an older build during a rolling upgrade)
 * takes its user from the parsed event: who may see it depends on it.
 */
export function storedFromRow(epoch: string, row: EventRow): StoredEvent {
  const seq = Number(row.seq);
  const cursor = formatCursor(epoch, seq);
  if (row.user_id === null && isUserKind(row.kind)) {
    return storedEvent(seq, cursor, JSON.parse(row.json) as IronflowEvent, row.json, row.appended_at_ms);
  }
  return storedEventFromFields(seq, cursor, row.kind, row.run_id, row.user_id, row.json, row.appended_at_ms);
}

/**
 * Stores validated batches in one statement (one round trip, one implicit transaction, one
 * commit): bumps the head row, inserts every event with consecutive seqs after it, each batch
 * keeping its own `batch_last` (so the tail still delivers them as separate batches), and queues
 * one NOTIFY that PostgreSQL sends only at commit. The NOTIFY carries no data, only a wake-up:
 * the tail reads what is new from the table, so one notification per commit is all it needs.
 * The head row's lock is held to the commit, so a concurrent append waits and takes the seqs
 * after ours: commits happen in seq order, and no reader can see seq N without every seq below
 * it. Resolves with the stored batches, in order.
 */
export async function insertBatches(
  pool: Pick<pg.Pool, 'query'>,
  names: SchemaNames,
  epoch: string,
  batches: readonly (readonly IronflowEvent[])[],
): Promise<StoredEvent[][]> {
  const runIds: (string | null)[] = [];
  const userIds: (string | null)[] = [];
  const kinds: string[] = [];
  const jsons: string[] = [];
  const ats: (string | null)[] = [];
  // For each row, the 1-based position in this statement of its batch's last row.
  const ends: number[] = [];
  for (const events of batches) {
    const end = jsons.length + events.length;
    for (const event of events) {
      runIds.push(runIdOf(event));
      userIds.push(userIdOf(event));
      kinds.push(event.type);
      jsons.push(serializeEvent(event));
      // The engine takes any 4-digit year; PostgreSQL has no year 0. Such an event is stored
      // without a time column (it then matches no from/to bound) rather than refused.
      ats.push(event.at.startsWith('0000-') ? null : event.at);
      ends.push(end);
    }
  }
  const total = jsons.length;
  const { rows } = await pool.query<{ last: string; appended_at_ms: number }>({
    // Prepared once per connection: PostgreSQL then skips parsing and planning it per commit.
    name: `ironflow_append:${names.schema}`,
    text: `WITH head AS (
       UPDATE ${names.head} SET seq = seq + $1 RETURNING seq AS last, clock_timestamp() AS at
     ), inserted AS (
       INSERT INTO ${names.events} (seq, run_id, kind, json, batch_last, appended_at, at, user_id)
       SELECT head.last - $1 + item.ord, item.run_id, item.kind, item.json,
              head.last - $1 + item.batch_end, head.at, item.at, item.user_id
       FROM head, ROWS FROM (unnest($2::uuid[]), unnest($3::text[]), unnest(string_to_array($4::text, E'\\x1e')),
                             unnest($6::timestamptz[]), unnest($7::uuid[]), unnest($8::int4[]))
         WITH ORDINALITY AS item(run_id, kind, json, at, user_id, batch_end, ord)
     )
     SELECT last, ${epochMs('head.at')}, pg_notify($5, '') FROM head`,
    // The events go as one text joined by U+001E, not a text[]: joined as they are rather than
    // escaped element by element (pg's array encoding was the largest cost of sending a batch).
    // JSON writes every control character inside a string as an escape, so U+001E only ever
    // separates events; string_to_array splits without parsing (json_array_elements parsed every
    // byte of the batch as JSON on the database's CPU).
    values: [total, runIds, kinds, jsons.join(EVENT_SEPARATOR), names.channel, ats, userIds, ends],
  });
  const { last: lastText, appended_at_ms: appendedAtMs } = rows[0] as {
    last: string;
    appended_at_ms: number;
  };
  let seq = Number(lastText) - total;
  let index = 0;
  return batches.map((events) =>
    events.map((event) => {
      seq += 1;
      return storedEvent(seq, formatCursor(epoch, seq), event, jsons[index++] as string, appendedAtMs);
    }),
  );
}

/** One batch through {@link insertBatches} (inside a caller's transaction, for instance). */
export async function insertBatch(
  pool: Pick<pg.Pool, 'query'>,
  names: SchemaNames,
  epoch: string,
  events: readonly IronflowEvent[],
): Promise<StoredEvent[]> {
  const [stored] = await insertBatches(pool, names, epoch, [events]);
  return stored as StoredEvent[];
}

export const COLUMNS = `seq, json, kind, run_id, user_id, batch_last, ${epochMs('appended_at')}`;

/**
 * Reads one page for `EventLog.read`. Each filter walks an index in seq order, so the cost
 * follows the matching events: the primary key without filters, `(run_id, seq)` with a run
 * (kinds then filter the run's rows), and one `(kind, seq)` range per kind merged by seq.
 */
export async function selectPage(
  pool: pg.Pool,
  names: SchemaNames,
  { afterSeq, limit, runId, kinds, visibleTo }: NormalisedReadOptions,
): Promise<EventRow[]> {
  if (limit === 0) return [];
  if (visibleTo !== undefined) return selectVisiblePage(pool, names, afterSeq, limit, kinds, visibleTo);
  if (runId !== undefined) {
    // Not a UUID: no event has that run, and the uuid cast would fail.
    if (!UUID.test(runId)) return [];
    const kindFilter = kinds === undefined ? '' : 'AND kind = ANY($4::text[])';
    const params: unknown[] = [runId, afterSeq, limit];
    if (kinds !== undefined) params.push(kinds);
    const { rows } = await pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${names.events}
       WHERE run_id = $1 AND seq > $2 ${kindFilter} ORDER BY seq LIMIT $3`,
      params,
    );
    return rows;
  }
  if (kinds !== undefined) {
    const wanted = [...new Set(kinds)];
    if (wanted.length === 0) return [];
    const { rows } = await pool.query<EventRow>(
      `SELECT * FROM (${kindRanges(names, wanted, 3).join(' UNION ALL ')}) AS page ORDER BY seq LIMIT $2`,
      [afterSeq, limit, ...wanted],
    );
    return rows;
  }
  const { rows } = await pool.query<EventRow>(
    `SELECT ${COLUMNS} FROM ${names.events} WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows;
}

/**
 * A non-admin's page: the kinds everyone sees, one `(kind, seq)` range each as above, merged with
 * this user's own `user_*` events through `(user_id, seq)`; other users' events are never read.
 */
async function selectVisiblePage(
  pool: pg.Pool,
  names: SchemaNames,
  afterSeq: number,
  limit: number,
  kinds: readonly EventKind[] | undefined,
  visibleTo: string,
): Promise<EventRow[]> {
  const { shared, own } = splitVisibleKinds(kinds);
  // Not a UUID: no user event concerns it, and the uuid cast would fail.
  const withOwn = own.length > 0 && UUID.test(visibleTo);
  if (shared.length === 0 && !withOwn) return [];
  const sharedKinds = [...new Set(shared)];
  const params: unknown[] = [afterSeq, limit, ...sharedKinds];
  const parts = kindRanges(names, sharedKinds, 3);
  if (withOwn) {
    const user = params.length + 1;
    params.push(visibleTo, own);
    parts.push(
      `(SELECT ${COLUMNS} FROM ${names.events}
        WHERE user_id = $${user} AND seq > $1 AND kind = ANY($${user + 1}::text[]) ORDER BY seq LIMIT $2)`,
    );
  }
  const { rows } = await pool.query<EventRow>(
    `SELECT * FROM (${parts.join(' UNION ALL ')}) AS visible ORDER BY seq LIMIT $2`,
    params,
  );
  return rows;
}

/**
 * One `(kind, seq)` range per kind (`$1` the seq to read after, `$2` the page size, the kinds
 * from `$first` on), to be merged by seq. Each kind is a parameter of its own rather than a row
 * of `unnest`, so PostgreSQL plans each range with the kind's real frequency: a rare kind walks
 * `(kind, seq)`, a kind that is most of the log walks the primary key. Planned with a kind it
 * cannot see (from `unnest`), it walked the primary key filtering on kind for every kind: the
 * whole log for a kind that is rare or absent (found by EXPLAIN, postgres-stream-plans.test.ts).
 */
function kindRanges(names: SchemaNames, kinds: readonly string[], first: number): string[] {
  return kinds.map(
    (_, index) =>
      `(SELECT ${COLUMNS} FROM ${names.events}
        WHERE kind = $${first + index} AND seq > $1 ORDER BY seq LIMIT $2)`,
  );
}

/**
 * The tail's page: rows after `afterSeq`, and below `beforeSeq` when given (the first seq of
 * this instance's next commit, which the tail already holds), in seq order.
 */
export async function selectTailPage(
  pool: pg.Pool,
  names: SchemaNames,
  afterSeq: number,
  beforeSeq: number | undefined,
  limit: number,
): Promise<EventRow[]> {
  // Prepared once per connection, like the append: every instance runs it once per commit.
  const { rows } =
    beforeSeq === undefined
      ? await pool.query<EventRow>({
          name: `ironflow_tail:${names.schema}`,
          text: `SELECT ${COLUMNS} FROM ${names.events} WHERE seq > $1 ORDER BY seq LIMIT $2`,
          values: [afterSeq, limit],
        })
      : await pool.query<EventRow>({
          name: `ironflow_tail_below:${names.schema}`,
          text: `SELECT ${COLUMNS} FROM ${names.events} WHERE seq > $1 AND seq < $2 ORDER BY seq LIMIT $3`,
          values: [afterSeq, beforeSeq, limit],
        });
  return rows;
}

/** The committed bounds: the head row and the oldest retained seq. */
export async function selectBounds(
  pool: pg.Pool,
  names: SchemaNames,
): Promise<{ headSeq: number; oldestSeq: number | null }> {
  const { rows } = await pool.query<{ head: string; oldest: string | null }>(
    `SELECT (SELECT seq FROM ${names.head}) AS head, (SELECT min(seq) FROM ${names.events}) AS oldest`,
  );
  const row = rows[0] as { head: string; oldest: string | null };
  return { headSeq: Number(row.head), oldestSeq: row.oldest === null ? null : Number(row.oldest) };
}

/**
 * Deletes what retention no longer keeps, always a prefix of the log so the retained seqs stay
 * consecutive: everything before the first event younger than `retentionHours`, and, with a
 * `historyLimit`, everything but the newest that many. Wakes the other instances so they
 * refresh their bounds. Resolves with the number of rows deleted.
 */
export async function deleteExpired(
  pool: pg.Pool,
  names: SchemaNames,
  retentionHours: number,
  historyLimit: number | null,
): Promise<number> {
  const { rows } = await pool.query<{ deleted: string }>(
    `WITH cutoff AS (
       -- GREATEST ignores NULL: without a historyLimit only the age counts.
       SELECT GREATEST(
         COALESCE(
           (SELECT seq FROM ${names.events}
            WHERE appended_at >= clock_timestamp() - make_interval(secs => $1::float8 * 3600)
            ORDER BY seq LIMIT 1),
           (SELECT seq + 1 FROM ${names.head})),
         (SELECT seq + 1 - $2::bigint FROM ${names.head})
       ) AS keep_from
     ), deleted AS (
       DELETE FROM ${names.events} WHERE seq < (SELECT keep_from FROM cutoff) RETURNING 1
     ), counted AS (
       SELECT count(*) AS deleted FROM deleted
     )
     SELECT deleted, CASE WHEN deleted > 0 THEN pg_notify($3, 'prune') END FROM counted`,
    [retentionHours, historyLimit, names.channel],
  );
  return Number((rows[0] as { deleted: string }).deleted);
}
