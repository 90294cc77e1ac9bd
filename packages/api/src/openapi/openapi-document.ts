import { streamQuerySchema } from '../asyncapi/stream-query-schema.js';
import { openApiSchemas, type Schema } from './openapi-schemas.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const reply = (description: string, schema: string) => ({ description, content: json(ref(schema)) });
const body = (schema: string) => ({ required: true, content: json(ref(schema)) });

const USER = [{ cookieToken: [] }, { bearerToken: [] }, { apiKey: [] }];
const WORKER = [{ workerToken: [] }, { apiKey: [] }];
const unauthorized = error('`MISSING_TOKEN`, or `INVALID_TOKEN` for any bad token or API key');
const badRequest = error('`BAD_REQUEST` or `VALIDATION_FAILED`, naming the bad value');
const unavailable = error('`SERVICE_UNAVAILABLE`: the store cannot be reached (with `Retry-After`)');
const runId = {
  name: 'run_id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
const query = (name: string, schema: Schema, description?: string) => ({
  name,
  in: 'query',
  schema,
  ...(description ? { description } : {}),
});
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  description:
    'Optional, 1 to 255 visible ASCII characters, scoped to the credential and remembered for 24 hours: the same key with the same body gets the first answer again (with `Idempotent-Replayed: true`) and stores nothing.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const ingestRefusals = {
  '400': badRequest,
  '401': error('`INVALID_WORKER_TOKEN`, or `INVALID_TOKEN` for an API key without `events:write`'),
  '409': error('`IDEMPOTENCY_KEY_IN_USE`: the first request with this key is still running'),
  '413': error('`PAYLOAD_TOO_LARGE`: more than 2 MiB after decoding'),
  '415': error('`UNSUPPORTED_MEDIA_TYPE`: not JSON in UTF-8, or an unknown `Content-Encoding`'),
  '422': error('`IDEMPOTENCY_KEY_REUSED`: the key came with a different body'),
  '503': unavailable,
};
const streamParameters = Object.entries(
  (streamQuerySchema as { properties: Record<string, Schema & { description?: string }> }).properties,
).map(([name, schema]) => query(name, schema, schema.description));

function buildPaths(): Record<string, unknown> {
  return {
    '/api/v1/events': {
      get: {
        operationId: 'streamEvents',
        summary: 'Follow the event stream (Server-Sent Events)',
        description:
          'Each event is one SSE message: `id:` its cursor, `event:` its kind, `data:` the `Event` JSON on one line. Resume with `Last-Event-ID` or `last_event_id`; a `gap` message says when history was lost.',
        security: USER,
        parameters: [
          ...streamParameters,
          {
            name: 'Last-Event-ID',
            in: 'header',
            schema: { type: 'string' },
            description: 'Where to resume.',
          },
        ],
        responses: {
          '200': {
            description: 'The stream; each message `data:` is an `Event` (or a `gap` notice).',
            content: {
              'text/event-stream': { schema: { type: 'string' }, 'x-message-schema': ref('Event') },
            },
          },
          '400': badRequest,
          '401': unauthorized,
          '429': error('`TOO_MANY_STREAMS` for this user'),
          '503': error('Too many streams on this server, or the store is unavailable'),
        },
      },
    },
    '/api/v1/internal/events': {
      post: {
        operationId: 'ingestEvents',
        summary: 'Store one event or a batch (producers)',
        security: WORKER,
        parameters: [idempotencyKey],
        requestBody: body('IngestBody'),
        responses: { '202': reply('Stored, in order, atomically', 'IngestAccepted'), ...ingestRefusals },
      },
    },
    '/api/v1/internal/runs/{run_id}/logs': {
      post: {
        operationId: 'ingestRunLogs',
        summary: "Store a step's log lines as `log_line` events (producers)",
        security: WORKER,
        parameters: [runId, idempotencyKey],
        requestBody: body('LogBatch'),
        responses: { '202': reply('Stored, in order, atomically', 'IngestAccepted'), ...ingestRefusals },
      },
    },
    '/api/v1/runs/{run_id}/logs': {
      get: {
        operationId: 'listRunLogs',
        summary: "A run's log lines, oldest first, a page at a time",
        security: USER,
        parameters: [
          runId,
          query('limit', { type: 'integer', minimum: 0, maximum: 1000, default: 100 }),
          query('cursor', { type: 'string' }, 'A `next_cursor` from the previous page.'),
          query('step_id', { type: 'string', format: 'uuid' }),
          query('stream', { type: 'string', enum: ['stdout', 'stderr', 'system'] }),
        ],
        responses: {
          '200': reply('One page', 'LogEntriesPage'),
          '400': badRequest,
          '401': unauthorized,
          '404': error('`RUN_NOT_FOUND`: no retained event of this run'),
          '503': unavailable,
        },
      },
    },
    '/api/v1/audit-logs': {
      get: {
        operationId: 'listAuditLogs',
        summary: 'Retained events, newest first (admins only)',
        security: USER,
        parameters: [
          query('page', { type: 'integer', minimum: 1, default: 1 }),
          query('per_page', { type: 'integer', minimum: 1, maximum: 100, default: 50 }),
          query('event_type', ref('EventKind')),
          query('run_id', { type: 'string', format: 'uuid' }),
          query('from', { type: 'string', format: 'date-time' }),
          query('to', { type: 'string', format: 'date-time' }),
        ],
        responses: {
          '200': reply('One page', 'AuditLogsPage'),
          '400': badRequest,
          '401': unauthorized,
          '403': error('`FORBIDDEN`: not an admin'),
          '503': unavailable,
        },
      },
    },
    '/api/v1/auth/sign-up': {
      post: {
        operationId: 'signUp',
        summary: 'Create an account (the first becomes admin) and sign in',
        requestBody: body('SignUpRequest'),
        responses: {
          '201': reply('Signed up; the session cookies are set', 'Session'),
          '400': badRequest,
          '403': error('Sign-up is closed'),
          '409': error('The email or username is taken'),
          '429': error('Too many attempts from this address (with `Retry-After`)'),
        },
      },
    },
    '/api/v1/auth/sign-in': {
      post: {
        operationId: 'signIn',
        summary: 'Sign in with email or username and password',
        requestBody: body('SignInRequest'),
        responses: {
          '200': reply('Signed in; the session cookies are set', 'Session'),
          '400': badRequest,
          '401': error('`INVALID_CREDENTIALS`'),
          '429': error('Too many attempts from this address (with `Retry-After`)'),
        },
      },
    },
    '/api/v1/auth/refresh': {
      post: {
        operationId: 'refreshSession',
        summary: 'Rotate the session with the `ironflow_refresh` cookie',
        responses: {
          '200': reply('Both cookies rotated', 'Session'),
          '401': unauthorized,
          '403': error('Cross-site'),
        },
      },
    },
    '/api/v1/auth/sign-out': {
      post: {
        operationId: 'signOut',
        summary: 'End the session of the refresh cookie and clear the cookies',
        responses: { '200': { description: 'Signed out' }, '403': error('Cross-site') },
      },
    },
    '/api/v1/auth/me': {
      get: {
        operationId: 'getMe',
        summary: 'The signed-in user',
        security: USER,
        responses: { '200': reply('The user', 'Me'), '401': unauthorized },
      },
    },
    '/api/v1/api-keys': {
      get: {
        operationId: 'listApiKeys',
        summary: "The caller's API keys (never the secret)",
        security: USER,
        responses: { '200': reply('The keys', 'ApiKeyList'), '401': unauthorized },
      },
      post: {
        operationId: 'createApiKey',
        summary: 'Create an API key; the secret is in this answer only',
        security: USER,
        requestBody: body('ApiKeyCreateRequest'),
        responses: {
          '201': reply('Created', 'ApiKeyCreated'),
          '400': badRequest,
          '401': unauthorized,
          '403': error('Cross-site'),
        },
      },
    },
    '/api/v1/api-keys/{id}': {
      delete: {
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key; the streams it opened end within 5 seconds',
        security: USER,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '204': { description: 'Revoked' },
          '401': unauthorized,
          '403': error('Cross-site'),
          '404': error('`NOT_FOUND`'),
        },
      },
    },
    '/api/v1/health-check': {
      get: {
        operationId: 'healthCheck',
        summary: 'Liveness: 200 while the process runs',
        responses: {
          '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    },
    '/api/v1/ready': {
      get: {
        operationId: 'ready',
        summary: 'Readiness: the store answers and this instance follows the log',
        responses: { '200': reply('Ready', 'Ready'), '503': error('Not ready, naming what is wrong') },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics (the worker token in production)',
        security: [{}, { workerToken: [] }],
        responses: {
          '200': {
            description: 'Prometheus text',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          '401': error('`INVALID_WORKER_TOKEN` (production)'),
        },
      },
    },
    '/api/v1/asyncapi.json': {
      get: {
        operationId: 'getAsyncApi',
        summary: 'The AsyncAPI 3.0 document of the event stream',
        responses: { '200': { description: 'AsyncAPI', content: json({ type: 'object' }) } },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
      },
    },
  };
}

let built: Readonly<Record<string, unknown>> | undefined;

/**
 * The OpenAPI 3.1 document of every REST route, built once (it depends only on the engine's
 * schemas). The event schemas are the engine's JSON Schemas, generated from its zod schemas.
 */
export function buildOpenApiDocument(): Readonly<Record<string, unknown>> {
  built ??= Object.freeze({
    openapi: '3.1.0',
    info: {
      title: 'ironflow event streaming',
      version: '1.0.0',
      description:
        'The REST routes of the ironflow event-streaming server. Errors are `{"error":{"code","message","details"?}}`; successes `{"data","meta"}`. The stream itself is also described by `/api/v1/asyncapi.json`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    paths: buildPaths(),
    components: {
      schemas: openApiSchemas(),
      securitySchemes: {
        cookieToken: {
          type: 'apiKey',
          in: 'cookie',
          name: 'ironflow_token',
          description: 'The access token cookie set by sign-in.',
        },
        bearerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token.' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'irfl_',
          description:
            'An API key (`irfl_…`): `events:read` for the stream and history, `events:write` for ingest.',
        },
        workerToken: { type: 'http', scheme: 'bearer', description: 'The `WORKER_TOKEN` of the server.' },
      },
    },
  });
  return built;
}
