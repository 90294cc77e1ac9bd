import { EVENT_KINDS, type EventKind, eventJsonSchemas } from '@ironflow/engine';
import { z } from 'zod';
import { signInSchema } from '../routes/auth-sign-in.js';
import { signUpSchema } from '../routes/auth-sign-up.js';

/** A schema object of the document, as plain JSON (OpenAPI 3.1's JSON Schema dialect). */
export type Schema = { readonly [keyword: string]: unknown };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `run_created` → `RunCreated`, `provider_account.updated` → `ProviderAccountUpdated`. */
export function schemaNameOf(kind: EventKind): string {
  return kind
    .split(/[_.]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** A zod request schema as JSON Schema, in input form (what a client sends). */
function requestSchema(schema: z.ZodType): Schema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return json as Schema;
}

/** An engine JSON Schema without its `$schema` (the document's dialect is OpenAPI 3.1's). */
function kindSchema(kind: EventKind): Schema {
  const { $schema: _, ...schema } = eventJsonSchemas[kind];
  return schema;
}

const logLine = kindSchema('log_line') as { properties: Record<string, Schema> };
const pick = (names: readonly string[]) =>
  Object.fromEntries(names.map((name) => [name, logLine.properties[name]]));
const nullableString = { type: ['string', 'null'] };
const user = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string' },
    username: { type: 'string' },
    is_admin: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'email', 'username', 'is_admin', 'created_at'],
};
const apiKeyFields = {
  id: { type: 'string', format: 'uuid' },
  name: { type: 'string' },
  prefix: { type: 'string', description: 'The lookup prefix: `irfl_` and the next 8 characters of the key.' },
  scopes: { type: 'array', items: ref('ApiKeyScope') },
  created_at: { type: 'string', format: 'date-time' },
  expires_at: { type: ['string', 'null'], format: 'date-time' },
};

/**
 * The document's named schemas. Every event schema is the engine's (generated from its zod schemas),
 * so the wire contract has one source; `Event` and `EventKind` are named as upstream names them.
 */
export function openApiSchemas(): Record<string, Schema> {
  const kinds = Object.fromEntries(EVENT_KINDS.map((kind) => [schemaNameOf(kind), kindSchema(kind)]));
  const envelope = (data: Schema, meta: Schema = { type: 'null' }) => ({
    type: 'object',
    properties: { data, meta },
    required: ['data', 'meta'],
  });
  return {
    EventKind: { type: 'string', enum: [...EVENT_KINDS], description: 'The `type` of an event.' },
    ...kinds,
    Event: {
      description:
        'One event as it appears on the wire (SSE `data:`, webhooks, history). Producers may omit fields that have a default.',
      oneOf: EVENT_KINDS.map((kind) => ref(schemaNameOf(kind))),
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(
          EVENT_KINDS.map((kind) => [kind, `#/components/schemas/${schemaNameOf(kind)}`]),
        ),
      },
    },
    Error: {
      type: 'object',
      properties: {
        error: {
          type: 'object',
          properties: {
            code: { type: 'string', description: 'Stable, UPPER_SNAKE.', examples: ['VALIDATION_FAILED'] },
            message: { type: 'string' },
            details: { type: 'array', items: ref('ErrorDetail') },
          },
          required: ['code', 'message'],
        },
      },
      required: ['error'],
    },
    ErrorDetail: {
      type: 'object',
      properties: {
        index: { type: ['integer', 'null'], description: 'The item of the batch (or line) at fault.' },
        path: { type: 'string' },
        message: { type: 'string' },
      },
      required: ['path', 'message'],
    },
    IngestAccepted: envelope({
      type: 'object',
      properties: {
        accepted: { type: 'integer', minimum: 0 },
        first_id: { ...nullableString, description: 'Cursor of the first stored event.' },
        last_id: { ...nullableString, description: 'Cursor of the last stored event.' },
      },
      required: ['accepted', 'first_id', 'last_id'],
    }),
    IngestBody: {
      description: 'One event, or 1 to 1000 events stored atomically (at most 2 MiB after decoding).',
      oneOf: [ref('Event'), { type: 'array', items: ref('Event'), minItems: 1, maxItems: 1000 }],
    },
    LogBatch: {
      type: 'object',
      properties: {
        ...pick(['step_id', 'step_name', 'stream']),
        lines: { type: 'array', items: { type: 'string' }, maxItems: 1000 },
      },
      required: ['step_id', 'step_name', 'stream', 'lines'],
    },
    LogEntry: {
      type: 'object',
      properties: {
        ...pick(['id', 'run_id', 'step_id', 'step_name', 'stream', 'line']),
        created_at: { type: 'string', format: 'date-time' },
      },
      required: ['id', 'run_id', 'step_id', 'step_name', 'stream', 'line', 'created_at'],
    },
    LogEntriesPage: envelope(
      { type: 'array', items: ref('LogEntry') },
      {
        type: 'object',
        properties: {
          page: { type: 'null' },
          per_page: { type: 'null' },
          total: { type: 'null' },
          next_cursor: nullableString,
          has_more: { type: 'boolean' },
        },
        required: ['next_cursor', 'has_more'],
      },
    ),
    AuditLogEntry: {
      type: 'object',
      properties: {
        id: { type: 'string', description: "The event's cursor." },
        event_type: ref('EventKind'),
        payload: ref('Event'),
        run_id: { type: ['string', 'null'], format: 'uuid' },
        step_id: { type: ['string', 'null'], format: 'uuid' },
        user_id: { type: ['string', 'null'], format: 'uuid' },
        created_at: { type: 'string', format: 'date-time' },
      },
      required: ['id', 'event_type', 'payload', 'run_id', 'step_id', 'user_id', 'created_at'],
    },
    AuditLogsPage: envelope(
      { type: 'array', items: ref('AuditLogEntry') },
      {
        type: 'object',
        properties: { page: { type: 'integer' }, per_page: { type: 'integer' }, total: { type: 'integer' } },
        required: ['page', 'per_page', 'total'],
      },
    ),
    SignUpRequest: requestSchema(signUpSchema),
    SignInRequest: requestSchema(signInSchema),
    User: user,
    Session: envelope({
      type: 'object',
      properties: {
        user: ref('User'),
        access_token: { type: 'string', description: 'Also set as the `ironflow_token` cookie.' },
        expires_in: { type: 'integer', description: 'Seconds.' },
      },
      required: ['user', 'access_token', 'expires_in'],
    }),
    Me: envelope({
      type: 'object',
      properties: {
        user_id: { type: 'string', format: 'uuid' },
        email: { type: 'string' },
        username: { type: 'string' },
        is_admin: { type: 'boolean' },
        created_at: { type: 'string', format: 'date-time' },
      },
      required: ['user_id', 'email', 'username', 'is_admin', 'created_at'],
    }),
    ApiKeyScope: { type: 'string', enum: ['events:read', 'events:write'] },
    ApiKeyCreateRequest: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1 },
        scopes: { type: 'array', items: ref('ApiKeyScope'), minItems: 1 },
        expires_at: { type: 'string', format: 'date-time' },
      },
      required: ['name', 'scopes'],
    },
    ApiKey: { type: 'object', properties: apiKeyFields, required: Object.keys(apiKeyFields) },
    ApiKeyCreated: envelope({
      type: 'object',
      properties: {
        ...apiKeyFields,
        key: { type: 'string', description: 'The secret (`irfl_…`), shown this once.' },
      },
      required: [...Object.keys(apiKeyFields), 'key'],
    }),
    ApiKeyList: envelope({ type: 'array', items: ref('ApiKey') }),
    Ready: envelope({
      type: 'object',
      properties: { status: { type: 'string', enum: ['ready'] } },
      required: ['status'],
    }),
  };
}
