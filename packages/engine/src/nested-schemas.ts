import * as z from 'zod';
import { documented } from './field-doc.js';
import {
  countField,
  expected,
  nonEmptyStringField,
  nullableStringField,
  nullableTimeField,
  timeField,
  uuidField,
} from './field-schemas.js';

// The nested shapes of docs/PROTOCOL.md §2 and the closed string sets. Nested objects keep unknown keys after the
// known ones, like events do: they are upstream structs that newer producers may extend.

/** Who must approve a gate: `required_approvers`, then `approver_groups` (default `[]`), then `reason`. */
export const approvalRequirementSchema = z.looseObject(
  {
    required_approvers: countField,
    approver_groups: documented(
      z
        .array(z.string({ error: expected('a string') }), { error: expected('an array of strings') })
        .default(() => []),
      { type: 'array of strings', default: '[]' },
    ),
    reason: nullableStringField,
  },
  { error: expected('an ApprovalRequirement object') },
);

/** An ApprovalRequirement or `null`; `null` when absent. */
export const approvalRequirementField = documented(approvalRequirementSchema.nullable().default(null), {
  type: 'ApprovalRequirement or null',
  default: 'null',
});

const ASSIGNEE = /^(user|group):.+$/s;
const assigneeMessage = expected('`user:<name>` or `group:<name>` with a non-empty name');

/** Who an escalated gate is assigned to: `user:<name>` or `group:<name>`, or `null`; `null` when absent. */
export const assigneeField = documented(
  z.string({ error: assigneeMessage }).regex(ASSIGNEE, { error: assigneeMessage }).nullable().default(null),
  { type: 'Assignee or null', default: 'null' },
);

/** What happened to a provider account. */
export const PROVIDER_ACCOUNT_CHANGES = Object.freeze([
  'created',
  'updated',
  'deleted',
  'token_replaced',
] as const);

/** What happened to a provider account. */
export type ProviderAccountChange = (typeof PROVIDER_ACCOUNT_CHANGES)[number];

export const providerAccountChangeField = documented(
  z.enum(PROVIDER_ACCOUNT_CHANGES, { error: expected(`one of ${PROVIDER_ACCOUNT_CHANGES.join(', ')}`) }),
  { type: 'ProviderAccountChange' },
);

/** Where a provider account's usage stands in one rate-limit window. */
export const PROVIDER_WINDOW_STATUSES = Object.freeze(['allowed', 'allowed_warning', 'rejected'] as const);

/** Where a provider account's usage stands in one rate-limit window. */
export type ProviderWindowStatus = (typeof PROVIDER_WINDOW_STATUSES)[number];

const utilizationMessage = expected('a number from 0 to 1');

/** One rate-limit window of a provider account, fields in documented order. */
export const providerAccountWindowSchema = z.looseObject(
  {
    account_id: uuidField,
    window: nonEmptyStringField,
    utilization: documented(
      z
        .number({ error: utilizationMessage })
        .min(0, { error: utilizationMessage })
        .max(1, { error: utilizationMessage }),
      { type: 'number from 0 to 1' },
    ),
    status: documented(
      z.enum(PROVIDER_WINDOW_STATUSES, { error: expected(`one of ${PROVIDER_WINDOW_STATUSES.join(', ')}`) }),
      { type: 'ProviderWindowStatus' },
    ),
    resets_at: nullableTimeField,
    model_scope: nullableStringField,
    observed_at: timeField,
  },
  { error: expected('a ProviderAccountWindow object') },
);

/** A list of ProviderAccountWindow, in the given order. */
export const providerAccountWindowsField = documented(
  z.array(providerAccountWindowSchema, { error: expected('an array of ProviderAccountWindow') }),
  { type: 'array of ProviderAccountWindow' },
);

/** Why scheduled occurrences were not run. */
export const SCHEDULE_MISS_REASONS = Object.freeze([
  'outside_window',
  'catchup_max',
  'superseded',
  'catchup_skip',
  'overlap',
] as const);

/** Why scheduled occurrences were not run. */
export type ScheduleMissReason = (typeof SCHEDULE_MISS_REASONS)[number];

export const scheduleMissReasonField = documented(
  z.enum(SCHEDULE_MISS_REASONS, { error: expected(`one of ${SCHEDULE_MISS_REASONS.join(', ')}`) }),
  { type: 'ScheduleMissReason' },
);

/** An approval requirement as it appears on the wire. */
export type ApprovalRequirement = z.output<typeof approvalRequirementSchema>;

/** One provider account window as it appears on the wire. */
export type ProviderAccountWindow = z.output<typeof providerAccountWindowSchema>;
