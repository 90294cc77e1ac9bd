import { eventSchemas } from '@ironflow/engine';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { validationFailed } from '../errors.js';
import { readIdempotencyKey } from '../http/idempotency-key.js';
import { readBodyBytes } from '../http/read-body-bytes.js';
import { checkJsonType, parseJsonBytes } from '../http/read-json-body.js';
import type { EventSink } from './event-sink.js';
import { MAX_INGEST_BODY_BYTES } from './ingest-events.js';
import { type IngestOnceDeps, ingestOnce } from './ingest-once.js';
import { parseRunId } from './run-id.js';

export const MAX_LOG_LINES = 1000;
const MAX_DETAILS = 100;

// The shared fields are checked once here, so a bad `step_id` is one error, not one per line.
const logBatchSchema = eventSchemas.log_line
  .pick({ step_id: true, step_name: true, stream: true })
  .extend({ lines: z.array(z.string()) });

/**
 * `POST /api/v1/internal/runs/:run_id/logs`: each line becomes a `log_line` sharing one `at`;
 * at most once per `Idempotency-Key`.
 */
export function mountIngestLogs(
  router: Router,
  append: EventSink,
  once: IngestOnceDeps,
  guards: readonly Middleware[],
): void {
  router.post('/api/v1/internal/runs/:run_id/logs', ...guards, async (ctx) => {
    const runId = parseRunId(ctx.params.run_id ?? '');
    const key = readIdempotencyKey(ctx);
    checkJsonType(ctx);
    const bytes = await readBodyBytes(ctx, MAX_INGEST_BODY_BYTES);
    const body = parseJsonBytes(bytes);
    const lines = (body as { lines?: unknown } | null)?.lines;
    if (Array.isArray(lines) && lines.length > MAX_LOG_LINES) {
      throw validationFailed(`too many lines: ${lines.length} (max ${MAX_LOG_LINES})`);
    }
    const parsed = logBatchSchema.safeParse(body);
    if (!parsed.success) {
      // `index` names the offending line for line errors; shared fields have none.
      // At most 100 listed, as for events; the message gives the total.
      const { issues } = parsed.error;
      const details = issues.slice(0, MAX_DETAILS).map((issue) => ({
        index: issue.path[0] === 'lines' && typeof issue.path[1] === 'number' ? issue.path[1] : null,
        path: issue.path.map(String).join('.'),
        message: issue.message,
      }));
      const listed = issues.length > MAX_DETAILS ? `, ${MAX_DETAILS} listed` : '';
      const problems = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
      throw validationFailed(`invalid log batch: ${problems}${listed}`, details);
    }
    const { step_id, step_name, stream } = parsed.data;
    const target = `logs ${runId}`;
    await ingestOnce(ctx, once, { key, target, body: bytes }, async (options) => {
      // Ids and `at` are made per run of the request: a replayed request makes none.
      const at = new Date().toISOString();
      const events = parsed.data.lines.map((line) => ({
        type: 'log_line',
        id: uuidv7(),
        run_id: runId,
        step_id,
        step_name,
        stream,
        line,
        at,
      }));
      return events.length === 0 ? [] : append(events, options);
    });
  });
}
