import * as z from 'zod';
import { invalidStatusChangeMessage } from './errors.js';
import {
  atField,
  countDefaultOneField,
  countField,
  durationMsField,
  labelsField,
  logLineIdField,
  logStreamField,
  moneyField,
  nonEmptyStringField,
  nullableStringField,
  nullableUuidField,
  runStatusField,
  stepKindField,
  stringField,
  timeField,
  uuidField,
  uuidListField,
} from './field-schemas.js';
import {
  approvalRequirementField,
  assigneeField,
  providerAccountChangeField,
  providerAccountWindowsField,
  scheduleMissReasonField,
} from './nested-schemas.js';
import { canChangeStatus, isRunStatus } from './run-status.js';

/*
 * THE table of event kinds. Adding a kind is one entry here, in upstream's `ALL` order: its `type`
 * string is the key and its fields follow in output order. EVENT_KINDS, parsing, validation,
 * serialisation, the accessors (a `run_id` field makes an event belong to a run, a `step_id` field to a
 * step, a `user_id` field on a `user_*` kind to a user), the JSON Schemas and the generated
 * documentation all derive from it.
 */
const eventFields = {
  run_created: { run_id: uuidField, workflow_name: nonEmptyStringField, at: atField },
  run_status_changed: {
    run_id: uuidField,
    workflow_name: nonEmptyStringField,
    from: runStatusField,
    to: runStatusField,
    error: nullableStringField,
    cost_usd: moneyField,
    duration_ms: durationMsField,
    labels: labelsField,
    at: atField,
  },
  run_failed: {
    run_id: uuidField,
    workflow_name: nonEmptyStringField,
    error: nullableStringField,
    cost_usd: moneyField,
    duration_ms: durationMsField,
    labels: labelsField,
    at: atField,
  },
  run_budget_exceeded: {
    run_id: uuidField,
    workflow_name: nonEmptyStringField,
    limit_usd: moneyField,
    spent_usd: moneyField,
    step_budget_usd: moneyField,
    at: atField,
  },
  step_completed: {
    run_id: uuidField,
    step_id: uuidField,
    step_name: nonEmptyStringField,
    kind: stepKindField,
    duration_ms: durationMsField,
    cost_usd: moneyField,
    at: atField,
  },
  step_failed: {
    run_id: uuidField,
    step_id: uuidField,
    step_name: nonEmptyStringField,
    kind: stepKindField,
    error: nonEmptyStringField,
    at: atField,
  },
  approval_requested: {
    run_id: uuidField,
    step_id: uuidField,
    message: nonEmptyStringField,
    requirement: approvalRequirementField,
    at: atField,
  },
  approval_granted: {
    run_id: uuidField,
    step_id: nullableUuidField,
    approved_by: nonEmptyStringField,
    approvals_received: countDefaultOneField,
    approvals_required: countDefaultOneField,
    requirement: approvalRequirementField,
    at: atField,
  },
  approval_rejected: {
    run_id: uuidField,
    step_id: nullableUuidField,
    rejected_by: nonEmptyStringField,
    requirement: approvalRequirementField,
    at: atField,
  },
  approval_escalated: {
    run_id: uuidField,
    step_id: uuidField,
    step_name: nonEmptyStringField,
    stage: countField,
    policy: stringField,
    action: stringField,
    reason: stringField,
    assignee: assigneeField,
    at: atField,
  },
  log_line: {
    id: logLineIdField,
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
  retry_forced: {
    run_id: uuidField,
    workflow_name: nonEmptyStringField,
    original_version: nonEmptyStringField,
    current_version: nonEmptyStringField,
    at: atField,
  },
  'provider_account.updated': {
    account_id: uuidField,
    name: nonEmptyStringField,
    change: providerAccountChangeField,
    at: atField,
  },
  'provider_account.usage_updated': {
    account_id: uuidField,
    name: nonEmptyStringField,
    windows: providerAccountWindowsField,
    at: atField,
  },
  signal_awaited: {
    run_id: uuidField,
    step_id: uuidField,
    step_name: nonEmptyStringField,
    name: nonEmptyStringField,
    key: stringField,
    deadline_at: timeField,
    at: atField,
  },
  signal_received: {
    signal_id: uuidField,
    name: nonEmptyStringField,
    key: stringField,
    resumed_runs: uuidListField,
    at: atField,
  },
  schedule_occurrences_missed: {
    schedule_id: uuidField,
    workflow_name: nonEmptyStringField,
    reason: scheduleMissReasonField,
    count: countField,
    first: timeField,
    last: timeField,
    at: atField,
  },
} satisfies Record<string, z.ZodRawShape>;

type EventFields = typeof eventFields;

/**
 * The zod schema of one kind: `type` first, then the kind's fields; unknown keys are kept after them
 * (`$loose`).
 */
export type EventSchema<K extends keyof EventFields> = EventFields[K] extends infer Fields extends
  z.ZodRawShape
  ? z.ZodObject<{ type: z.ZodLiteral<K> } & Fields, z.core.$loose>
  : never;

type EventSchemas = { readonly [K in keyof EventFields]: EventSchema<K> };

/** The field table itself, for the accessors and the generated documentation. */
export const eventFieldTable: { readonly [K in keyof EventFields]: EventFields[K] } = eventFields;

function buildSchemas(): EventSchemas {
  const schemas: Record<string, z.ZodObject> = {};
  for (const [type, fields] of Object.entries(eventFields)) {
    // `type` is spread first so that every parsed event has its keys in canonical order; unknown keys
    // follow the known ones, in the order given (zod writes the shape first, then the rest).
    // (`validateEvent` refuses a `__proto__` key first: zod would assign it as the prototype.)
    schemas[type] = z.looseObject({ type: z.literal(type), ...fields });
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
 * The zod object schema of each event kind, keyed by kind, in upstream's order. Parsing lowercases
 * UUIDs, normalises times to UTC `Z`, fills upstream's defaults (`at` now, `error` null, `labels` `{}`,
 * …), keeps unknown keys after the known ones and, for `run_status_changed`, rejects a change the
 * run-status table forbids (issue at `to`).
 *
 * @example
 * const event = eventSchemas.run_created.parse({ type: 'run_created', run_id, workflow_name: 'deploy' });
 */
export const eventSchemas: EventSchemas = buildSchemas();

type AnyEventSchema = EventSchemas[keyof EventFields];

/** Every event kind as one zod discriminated union on `type`. `validateEvent` gives clearer issues. */
export const ironflowEventSchema: z.ZodDiscriminatedUnion<[AnyEventSchema, ...AnyEventSchema[]], 'type'> =
  z.discriminatedUnion('type', Object.values(eventSchemas) as [AnyEventSchema, ...AnyEventSchema[]]);
