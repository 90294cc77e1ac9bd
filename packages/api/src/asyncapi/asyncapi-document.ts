import { streamMessages } from './event-messages.js';
import { securitySchemes } from './security-schemes.js';
import { streamQuerySchema, streamRequestHeadersSchema } from './stream-query-schema.js';

/** Where clients reach the server, for the document's `servers` entry. */
export interface AsyncApiServer {
  /** Host name with optional port, e.g. `ironflow.example.com` or `127.0.0.1:3000`. */
  readonly host: string;
  readonly protocol: 'http' | 'https';
}

interface StaticParts {
  readonly asyncapi: '3.0.0';
  readonly [section: string]: unknown;
}

/** The document: plain JSON, served as is. */
export interface AsyncApiDocument extends StaticParts {
  readonly servers: Readonly<
    Record<string, AsyncApiServer & { readonly title: string; readonly description: string }>
  >;
  readonly [section: string]: unknown;
}

const ref = ($ref: string) => ({ $ref });

/**
 * Everything but `servers`, built once: it depends only on the engine's schemas. Frozen, since every
 * request shares it.
 */
function buildStaticParts(): StaticParts {
  const messages = streamMessages();
  const names = Object.keys(messages);
  return Object.freeze({
    asyncapi: '3.0.0' as const,
    id: 'urn:ironflow:event-streaming',
    info: {
      title: 'ironflow event stream',
      version: '1.0.0',
      description: [
        'What happens in ironflow — runs, steps, approvals, log lines, sign-ins — as it happens, over',
        'Server-Sent Events. Each event is one SSE message: `id:` its cursor, `event:` its kind, `data:` the',
        'event JSON on one line. Resume with `Last-Event-ID` (or `last_event_id` on a first connection).',
        '',
        'Producers send events with plain HTTP requests (`POST /api/v1/internal/events` and',
        '`POST /api/v1/internal/runs/{run_id}/logs` with the worker token), described in the',
        '@ironflow/api README; their input may omit optional fields, so it is wider than these payloads.',
      ].join('\n'),
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    channels: {
      events: {
        address: '/api/v1/events',
        title: 'Event stream',
        description:
          'GET with `Accept: text/event-stream`. Filters and resume are in the query (see the `receiveEvents` HTTP binding) and the `Last-Event-ID` header. The three `user_*` kinds go only to admins and to the user they concern.',
        messages: Object.fromEntries(names.map((name) => [name, ref(`#/components/messages/${name}`)])),
      },
    },
    operations: {
      receiveEvents: {
        action: 'receive',
        channel: ref('#/channels/events'),
        title: 'Receive events',
        description:
          'Opens the stream: `200` `text/event-stream`, a `retry: 3000` field, then every event matching the filters in log order, exactly once per connection. Without a cursor, live events only. Bad query → `400` `BAD_REQUEST`; no token → `401` `MISSING_TOKEN`; bad token → `401` `INVALID_TOKEN`; too many streams → `429` / `503`.',
        security: [
          ref('#/components/securitySchemes/cookieToken'),
          ref('#/components/securitySchemes/bearerToken'),
        ],
        messages: names.map((name) => ref(`#/channels/events/messages/${name}`)),
        bindings: { http: { method: 'GET', query: streamQuerySchema, bindingVersion: '0.3.0' } },
        'x-request-headers': streamRequestHeadersSchema,
      },
    },
    components: { messages, securitySchemes },
  });
}

let staticParts: StaticParts | undefined;

/**
 * The AsyncAPI 3.0 document of the event stream, generated from the engine's `eventJsonSchemas`
 * and `exampleEvents`: one message per event kind plus `gap`, the `receiveEvents` operation with its
 * query filters, and the two ways to authenticate.
 *
 * @example
 * const document = buildAsyncApiDocument({ host: '127.0.0.1:3000', protocol: 'http' });
 * // document.components.messages.run_created.payload is eventJsonSchemas.run_created
 */
export function buildAsyncApiDocument(server: AsyncApiServer): AsyncApiDocument {
  staticParts ??= buildStaticParts();
  return {
    ...staticParts,
    servers: {
      ironflow: {
        host: server.host,
        protocol: server.protocol,
        title: 'This ironflow server',
        description: 'The server that served this document.',
      },
    },
  };
}
