import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  EVENT_KINDS,
  type EventKind,
  eventJsonSchemas,
  exampleEvents,
  ironflowEventJsonSchema,
  serializeEvent,
  validateEvent,
} from '../src/index.js';
import { CANONICAL_EXAMPLES } from './fixtures.js';

// Strict mode: an unknown keyword or a loose schema is an error, so the generated schemas stay clean.
const ajv = new Ajv2020({ strict: true, allErrors: true, discriminator: true });
addFormats.default(ajv);
const validators = Object.fromEntries(
  EVENT_KINDS.map((kind) => [kind, ajv.compile(eventJsonSchemas[kind])]),
) as Record<EventKind, ReturnType<typeof ajv.compile>>;
const validateAny = ajv.compile(ironflowEventJsonSchema);

const wire = (kind: EventKind) => JSON.parse(serializeEvent(exampleEvents[kind])) as Record<string, unknown>;

describe('eventJsonSchemas', () => {
  it('has one draft 2020-12 schema per kind, titled and typed by kind', () => {
    expect(Object.keys(eventJsonSchemas)).toEqual([...EVENT_KINDS]);
    for (const kind of EVENT_KINDS) {
      expect(eventJsonSchemas[kind]).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: kind,
        type: 'object',
        // Unknown fields of a newer producer are kept on the wire, so any extra key is allowed.
        additionalProperties: {},
        properties: { type: { const: kind } },
      });
    }
  });

  it.each(EVENT_KINDS)('accepts the example %s as it is on the wire, and the fixture too', (kind) => {
    expect(validators[kind](wire(kind)), JSON.stringify(validators[kind].errors)).toBe(true);
    expect(validators[kind](JSON.parse(CANONICAL_EXAMPLES[kind]))).toBe(true);
    expect(validateAny(wire(kind)), JSON.stringify(validateAny.errors)).toBe(true);
  });

  it('requires every field the schema lists, in documented order, nullable ones included', () => {
    for (const kind of EVENT_KINDS) {
      expect(eventJsonSchemas[kind].required).toEqual(Object.keys(exampleEvents[kind]));
    }
    const { error: _, ...withoutError } = wire('run_failed');
    expect(validators.run_failed(withoutError)).toBe(false);
    expect(validators.run_failed({ ...wire('run_failed'), error: null })).toBe(true);
  });

  it('accepts unknown keys after the known ones, as the server keeps them', () => {
    expect(validators.run_created({ ...wire('run_created'), extra: { any: [1, 'json'] } })).toBe(true);
    expect(validateAny({ ...wire('approval_granted'), extra: null })).toBe(true);
  });

  it.each([
    ['a missing step_id on approval_granted', 'approval_granted', { step_id: undefined }],
    ['a bad assignee', 'approval_escalated', { assignee: 'carol' }],
    ['a utilization above 1', 'provider_account.usage_updated', { windows: [{ utilization: 2 }] }],
    ['an unknown miss reason', 'schedule_occurrences_missed', { reason: 'late' }],
    ['an upper-case UUID', 'run_created', { run_id: '0193A1F2-7C4E-7B21-9D3A-5E6F7A8B9C0D' }],
    ['a time with an offset', 'run_created', { at: '2026-11-27T15:00:00+01:00' }],
    ['a time that is no time', 'approval_granted', { at: 'yesterday' }],
    ['an unknown status', 'run_status_changed', { to: 'done' }],
    ['a negative cost', 'run_failed', { cost_usd: -1 }],
    ['a fractional duration', 'step_completed', { duration_ms: 1.5 }],
    ['a non-string label', 'run_status_changed', { labels: { env: 1 } }],
    ['an empty step name', 'step_failed', { step_name: '' }],
    ['an unknown log stream', 'log_line', { stream: 'stdin' }],
    ['a null username', 'user_signed_in', { username: null }],
  ] as const)('rejects %s', (_what, kind, change) => {
    const invalid = JSON.parse(JSON.stringify({ ...wire(kind), ...change }));
    expect(validators[kind](invalid)).toBe(false);
    expect(validateAny(invalid)).toBe(false);
  });

  it('rejects a wrong or missing type in the union', () => {
    expect(validateAny({ ...wire('run_created'), type: 'run_deleted' })).toBe(false);
    const { type: _, ...untyped } = wire('run_created');
    expect(validateAny(untyped)).toBe(false);
  });

  it('agrees with validateEvent on what a canonical event is', () => {
    for (const kind of EVENT_KINDS) {
      const result = validateEvent(wire(kind));
      expect(result.ok && validators[kind](JSON.parse(serializeEvent(result.event)))).toBe(true);
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(eventJsonSchemas.run_created)).toBe(true);
    expect(Object.isFrozen(eventJsonSchemas.run_created.properties)).toBe(true);
    expect(Object.isFrozen(ironflowEventJsonSchema)).toBe(true);
  });
});
