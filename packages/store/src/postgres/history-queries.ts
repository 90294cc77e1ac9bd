import type pg from 'pg';
import type { EventPage } from '../event-log.js';
import type {
  NormalisedLogLineQuery,
  NormalisedPageQuery,
  NormalisedReadBeforeOptions,
} from '../read-options.js';
import { COLUMNS, type EventRow, UUID } from './event-queries.js';
import type { SchemaNames } from './names.js';

/** A statement and its parameters, built apart from running it so tests can EXPLAIN it. */
export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * `EventLog.readBefore`: the same index walks as `selectPage`, backwards (PostgreSQL scans a
 * b-tree either way): the primary key, `(run_id, seq)`, or one `(kind, seq)` range per kind.
 * `null` when nothing can match.
 */
export function beforeStatement(
  names: SchemaNames,
  { beforeSeq, limit, runId, kinds }: NormalisedReadBeforeOptions,
): Statement | null {
  // No kinds (only audit-only names were asked for) match nothing.
  if (limit === 0 || kinds?.length === 0) return null;
  if (runId !== undefined) {
    if (!UUID.test(runId)) return null;
    const kindFilter = kinds === undefined ? '' : 'AND kind = ANY($4::text[])';
    const values: unknown[] = [runId, beforeSeq, limit];
    if (kinds !== undefined) values.push(kinds);
    return {
      text: `SELECT ${COLUMNS} FROM ${names.events}
       WHERE run_id = $1 AND seq < $2 ${kindFilter} ORDER BY seq DESC LIMIT $3`,
      values,
    };
  }
  if (kinds !== undefined) {
    // One branch per kind, each with its kind as a parameter: the planner then knows how common
    // the kind is and walks its (kind, seq) range when it is rare. (A lateral join over unnest()
    // hides the kind from it, and it may walk the primary key and filter: the whole log for a
    // rare kind.)
    const branches = kinds.map(
      (_, index) =>
        `(SELECT ${COLUMNS} FROM ${names.events} WHERE kind = $${index + 3} AND seq < $1 ORDER BY seq DESC LIMIT $2)`,
    );
    return {
      text: `SELECT * FROM (${branches.join(' UNION ALL ')}) AS page ORDER BY seq DESC LIMIT $2`,
      values: [beforeSeq, limit, ...kinds],
    };
  }
  return {
    text: `SELECT ${COLUMNS} FROM ${names.events} WHERE seq < $1 ORDER BY seq DESC LIMIT $2`,
    values: [beforeSeq, limit],
  };
}

/**
 * `EventLog.readLogLines`: the run's rows through `(run_id, seq)`, keeping its `log_line`s; the
 * step and stream filters read the row's JSON, so they cost the run's rows, never other runs'.
 */
export function logLinesStatement(
  names: SchemaNames,
  { runId, afterSeq, stepId, stream, limit }: NormalisedLogLineQuery,
): Statement | null {
  if (limit === 0 || !UUID.test(runId)) return null;
  const values: unknown[] = [runId, afterSeq, limit];
  let filters = '';
  if (stepId !== undefined) {
    values.push(stepId);
    filters += ` AND json::jsonb ->> 'step_id' = $${values.length}`;
  }
  if (stream !== undefined) {
    values.push(stream);
    filters += ` AND json::jsonb ->> 'stream' = $${values.length}`;
  }
  return {
    text: `SELECT ${COLUMNS} FROM ${names.events}
     WHERE run_id = $1 AND kind = 'log_line' AND seq > $2${filters} ORDER BY seq LIMIT $3`,
    values,
  };
}

/** A row of {@link pageStatement}: the total, and one event of the page (all null when it is empty). */
export interface PageRow extends Partial<EventRow> {
  total: string;
}

/**
 * `EventLog.readPage`, newest first, in one statement (one snapshot for the page and its total).
 *
 * Without filters, retention keeps the retained seqs consecutive, so the total is the head seq
 * minus the oldest one (two index probes, no count) and the page is a key range of the primary
 * key. With filters, the page is `OFFSET … LIMIT` down the filter's index — `(kind, seq)`,
 * `(run_id, seq)` or `(at)` — and the total a count over the same index: both cost the matching
 * rows, never the rest of the log. `null` when nothing can match.
 */
export function pageStatement(names: SchemaNames, query: NormalisedPageQuery): Statement | null {
  const { offset, limit, kind, runId, from, to } = query;
  if (runId !== undefined && !UUID.test(runId)) return null;
  const values: unknown[] = [offset, limit];
  const conditions: string[] = [];
  const where = (condition: string, value: unknown) => {
    values.push(value);
    conditions.push(condition.replace('?', `$${values.length}`));
  };
  if (kind !== undefined) where('kind = ?', kind);
  if (runId !== undefined) where('run_id = ?', runId);
  if (from !== undefined) where('at >= ?::timestamptz', from);
  if (to !== undefined) where('at <= ?::timestamptz', to);

  if (conditions.length === 0) {
    return {
      text: `WITH bounds AS (
         SELECT (SELECT seq FROM ${names.head}) AS head, (SELECT min(seq) FROM ${names.events}) AS oldest
       )
       SELECT CASE WHEN bounds.oldest IS NULL THEN 0 ELSE bounds.head - bounds.oldest + 1 END AS total, page.*
       FROM bounds LEFT JOIN LATERAL (
         SELECT ${COLUMNS} FROM ${names.events}
         WHERE seq <= bounds.head - $1 ORDER BY seq DESC LIMIT $2
       ) AS page ON true`,
      values,
    };
  }
  const filter = conditions.join(' AND ');
  return {
    text: `SELECT counted.total, page.*
     FROM (SELECT count(*) AS total FROM ${names.events} WHERE ${filter}) AS counted
     LEFT JOIN LATERAL (
       SELECT ${COLUMNS} FROM ${names.events} WHERE ${filter} ORDER BY seq DESC OFFSET $1 LIMIT $2
     ) AS page ON true`,
    values,
  };
}

/** Runs {@link pageStatement}; the rows that carry an event become the page. */
export async function selectEventPage(
  pool: pg.Pool,
  names: SchemaNames,
  query: NormalisedPageQuery,
  toStored: (row: EventRow) => EventPage['events'][number],
): Promise<EventPage> {
  const statement = pageStatement(names, query);
  if (statement === null) return { events: [], total: 0 };
  const { rows } = await pool.query<PageRow>(statement.text, statement.values);
  const total = Number(rows[0]?.total ?? 0);
  const events = rows.filter((row) => row.seq != null).map((row) => toStored(row as EventRow));
  return { events, total };
}
