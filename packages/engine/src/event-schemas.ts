import * as z from 'zod';
import { invalidStatusChangeMessage } from './errors.js';
import {
  atField,
  costUsdField,
  durationMsField,
  labelsField,
  logStreamField,
  nonEmptyStringField,
  nullableStringField,
  runStatusField,
  stringField,
  uuidField,
} from './field-schemas.js';
import { canChangeStatus, isRunStatus } from './run-status.js';

/*
 * THE table of event kinds. Adding a kind is one entry here, in SPEC order: its `type` string is the key
 * and its fields follow in SPEC order. EVENT_KINDS, parsing, validation, serialisation and the accessors
 * (a `run_id` field makes an event belong to a run, a `user_id` field to a user) all derive from it.
 */
const eventFields = {
  run_created: { run_id: uuidField, workflow_name: nonEmptyStringField, at: atField },
  run_status_changed: {
    run_id: uuidField,
    workflow_name: nonEmptyStringField,
    from: runStatusField,
    to: runStatusField,
    error: nullableStringField,
    cost_usd: costUsdField,
    duration_ms: durationMsField,
    labels: labelsField,
    at: atField,
  },
  run_failed: {
    run_id: uuidField,
    workflow_name: nonEmptyStringField,
    error: nullableStringField,
    cost_usd: costUsdField,
    duration_ms: durationMsField,
    labels: labelsField,
    at: atField,
  },
  step_completed: {
    run_id: uuidField,
    step_id: uuidField,
    step_name: nonEmptyStringField,
    kind: nonEmptyStringField,
    duration_ms: durationMsField,
    cost_usd: costUsdField,
    at: atField,
  },
  step_failed: {
    run_id: uuidField,
    step_id: uuidField,
    step_name: nonEmptyStringField,
    kind: nonEmptyStringField,
    error: nonEmptyStringField,
    at: atField,
  },
  approval_requested: { run_id: uuidField, step_id: uuidField, message: nonEmptyStringField, at: atField },
  approval_granted: { run_id: uuidField, approved_by: nonEmptyStringField, at: atField },
  approval_rejected: { run_id: uuidField, rejected_by: nonEmptyStringField, at: atField },
  log_line: {
    id: uuidField,
    run_id: uuidField,
    step_id: uuidField,
    step_name: nonEmptyStringField,
    stream: logStreamField,
    line: stringField,
    at: atField,
  },
  user_signed_in: { user_id: uuidField, username: nonEmptyStringField, at: atField },
  user_signed_up: { user_id: uuidField, username: nonEmptyStringField, at: atField },
  user_signed_out: { user_id: uuidField, at: atField },
} satisfies Record<string, z.ZodRawShape>;

type EventFields = typeof eventFields;

/** The zod schema of one kind: `type` first, then the kind's fields; unknown keys are stripped. */
export type EventSchema<K extends keyof EventFields> = EventFields[K] extends infer Fields extends
  z.ZodRawShape
  ? z.ZodObject<{ type: z.ZodLiteral<K> } & Fields, z.core.$strip>
  : never;

type EventSchemas = { readonly [K in keyof EventFields]: EventSchema<K> };

function buildSchemas(): EventSchemas {
  const schemas: Record<string, z.ZodObject> = {};
  for (const [type, fields] of Object.entries(eventFields)) {
    // `type` is spread first so that every parsed event has its keys in canonical order.
    schemas[type] = z.object({ type: z.literal(type), ...fields });
  }
  const runStatusChanged = schemas.run_status_changed as EventSchemas['run_status_changed'];
  schemas.run_status_changed = runStatusChanged.check((ctx) => {
    const { from, to } = ctx.value;
    // Only judged once both ends are statuses; a bad `from`/`to` already has its own issue.
    if (isRunStatus(from) && isRunStatus(to) && !canChangeStatus(from, to)) {
      ctx.issues.push({
        code: 'custom',
        input: to,
        path: ['to'],
        message: invalidStatusChangeMessage(from, to),
      });
    }
  });
  return Object.freeze(schemas) as unknown as EventSchemas;
}

/**
 * The zod object schema of each event kind, keyed by kind, in SPEC order. Parsing lowercases UUIDs,
 * normalises times to UTC `Z`, fills defaults (`at` now, `error` null, `labels` `{}`), strips unknown keys
 * and, for `run_status_changed`, rejects a change the run-status table forbids (issue at `to`).
 *
 * @example
 * const event = eventSchemas.run_created.parse({ type: 'run_created', run_id, workflow_name: 'deploy' });
 */
export const eventSchemas: EventSchemas = buildSchemas();

type AnyEventSchema = EventSchemas[keyof EventFields];

/** Every event kind as one zod discriminated union on `type`. `validateEvent` gives clearer issues. */
export const ironflowEventSchema: z.ZodDiscriminatedUnion<[AnyEventSchema, ...AnyEventSchema[]], 'type'> =
  z.discriminatedUnion('type', Object.values(eventSchemas) as [AnyEventSchema, ...AnyEventSchema[]]);
