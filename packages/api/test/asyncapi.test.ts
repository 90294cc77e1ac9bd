import asyncapiSpecs from '@asyncapi/specs';
import { EVENT_KINDS, eventJsonSchemas, exampleEvents } from '@ironflow/engine';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.js';

// The official AsyncAPI 3.0.0 JSON Schema (draft-07) from @asyncapi/specs, checked with Ajv.
const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
addFormats.default(ajv);
const validateAsyncApi = ajv.compile(asyncapiSpecs.schemas['3.0.0']);

let server: TestServer;
// biome-ignore lint/suspicious/noExplicitAny: the document is walked as plain JSON
let document: any;
beforeAll(async () => {
  server = await startTestServer();
  const response = await fetch(`${server.url}/api/v1/asyncapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  document = await response.json();
});
afterAll(() => server.close());

/** Follows a local `#/a/b` reference inside the document. */
function resolve(ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
}

function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, found);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

describe('GET /api/v1/asyncapi.json', () => {
  it('is public and a valid AsyncAPI 3.0.0 document', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(validateAsyncApi(document), ajv.errorsText(validateAsyncApi.errors, { separator: '\n' })).toBe(
      true,
    );
  });

  it('the validator catches a broken document', () => {
    const broken = structuredClone(document);
    broken.operations.receiveEvents.action = 'listen';
    delete broken.servers.ironflow.protocol;
    expect(validateAsyncApi(broken)).toBe(false);
  });

  it('has no dangling reference', () => {
    const all = refs(document);
    expect(all.length).toBeGreaterThan(EVENT_KINDS.length * 2);
    for (const ref of all) expect(resolve(ref), ref).toBeDefined();
  });

  it('names the server that served it', () => {
    expect(document.servers.ironflow).toMatchObject({ host: new URL(server.url).host, protocol: 'http' });
  });

  it('describes the events channel, its filters and its resume header', () => {
    expect(document.channels.events.address).toBe('/api/v1/events');
    const receive = document.operations.receiveEvents;
    expect(receive).toMatchObject({ action: 'receive', channel: { $ref: '#/channels/events' } });
    expect(Object.keys(receive.bindings.http.query.properties)).toEqual([
      'run_id',
      'types',
      'last_event_id',
      'backlog',
    ]);
    expect(receive.bindings.http.method).toBe('GET');
    expect(receive['x-request-headers'].properties).toHaveProperty('Last-Event-ID');
    expect(receive.messages).toHaveLength(EVENT_KINDS.length + 1);
  });

  it('has one message per event kind whose payload is eventJsonSchemas[kind], plus gap', () => {
    const messages = document.components.messages;
    expect(Object.keys(messages)).toEqual([...EVENT_KINDS, 'gap']);
    for (const kind of EVENT_KINDS) {
      expect(messages[kind].name).toBe(kind);
      expect(messages[kind].payload).toEqual(eventJsonSchemas[kind]);
      expect(messages[kind].examples[0].payload).toEqual(exampleEvents[kind]);
      expect(messages[kind].headers.properties.event.const).toBe(kind);
    }
    expect(messages.gap.payload.required).toEqual(['type', 'requested', 'resumed_after']);
  });

  it("each example validates against its message's payload schema", () => {
    const draft7 = new Ajv({ strict: false });
    addFormats.default(draft7);
    for (const message of Object.values<{ payload: object; examples: { payload: unknown }[] }>(
      document.components.messages,
    )) {
      // The payloads use only keywords that mean the same in draft-07 (AsyncAPI's schema) and 2020-12.
      const { $schema: _, ...payload } = message.payload as Record<string, unknown>;
      const validate = draft7.compile(payload);
      for (const example of message.examples) expect(validate(example.payload)).toBe(true);
    }
  });

  it('declares the bearer JWT and the ironflow_token cookie, used by receiveEvents', () => {
    expect(document.components.securitySchemes).toEqual({
      cookieToken: expect.objectContaining({ type: 'httpApiKey', name: 'ironflow_token', in: 'cookie' }),
      bearerToken: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    expect(document.operations.receiveEvents.security).toEqual([
      { $ref: '#/components/securitySchemes/cookieToken' },
      { $ref: '#/components/securitySchemes/bearerToken' },
    ]);
  });
});
