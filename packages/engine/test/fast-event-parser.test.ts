import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as z from 'zod';
import { parseWellFormedEvent } from '../src/fast-event-parser.js';
import { fastFieldParser, NOT_FAST } from '../src/fast-field-parsers.js';
import { EVENT_KINDS, type EventKind, eventSchemas, exampleEvents, validateEvent } from '../src/index.js';
import { CANONICAL_EXAMPLES, example } from './fixtures.js';

// The fast path must give exactly what zod gives: same values, same key order, same prototypes, fresh
// objects (never the caller's), and nothing at all for what zod refuses. Each case below runs both.

const SEED = 20_261_204;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  vi.useRealTimers();
});

/** Values with their structure spelled out: key order, prototypes, -0 and undefined included. */
function shapeOf(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : value;
  if (typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  const protoName =
    proto === null
      ? 'null'
      : proto === Object.prototype
        ? 'Object'
        : proto === Array.prototype
          ? 'Array'
          : 'other';
  return [
    protoName,
    Reflect.ownKeys(value).map((key) => [String(key), shapeOf((value as Record<PropertyKey, unknown>)[key])]),
  ];
}

/** The fast answer equals zod's success output, or the fast path declined; never a different answer. */
function expectSameAsZod(schema: z.ZodType, fast: unknown, input: unknown): void {
  if (fast === NOT_FAST || fast === undefined) return;
  const zod = schema.safeParse(input);
  expect(zod.success, 'fast accepted what zod refuses').toBe(true);
  expect(shapeOf(fast)).toEqual(shapeOf(zod.data));
  if (typeof input === 'object' && input !== null) expect(fast).not.toBe(input);
}

/** Every distinct field schema of the table, with the name of one field using it. */
const FIELD_SCHEMAS: ReadonlyMap<z.ZodType, string> = (() => {
  const schemas = new Map<z.ZodType, string>();
  for (const kind of EVENT_KINDS) {
    const shape = (eventSchemas[kind] as unknown as z.ZodObject).shape;
    for (const [name, schema] of Object.entries(shape)) {
      if (name !== 'type' && !schemas.has(schema as z.ZodType)) schemas.set(schema as z.ZodType, name);
    }
  }
  return schemas;
})();

const UPPER_UUID = '0190A8E4-7C1F-7B3A-9D2E-4F5A6B7C8D9E';
const withSymbol = { env: 'prod', [Symbol('s')]: 'x' };
const nullProto = Object.assign(Object.create(null) as object, { env: 'prod' });
const protoKey = JSON.parse('{"__proto__":"x"}') as object;
const manyLabels = Object.fromEntries(Array.from({ length: 1001 }, (_, index) => [`k${index}`, 'v']));
class Labels {
  env = 'prod';
}

/** Values of every type and the edge of every field rule. */
const CORPUS: readonly unknown[] = [
  undefined,
  null,
  true,
  0,
  -0,
  1,
  1.5,
  -1,
  0.0125,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  ' ',
  'x',
  'shell',
  'pending',
  'running',
  'created',
  'stdout',
  'allowed',
  'catchup_max',
  'user:carol',
  'group:',
  '0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9e',
  UPPER_UUID,
  '0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9',
  '0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9e\n',
  '2026-01-02T03:04:05Z',
  '2026-01-02t03:04:05.123z',
  '2026-01-02T03:04:05.123456789+02:30',
  '2026-02-30T03:04:05Z',
  '2026-01-02 03:04:05Z',
  '2026-01-02T03:04:60Z',
  [],
  ['0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9e', UPPER_UUID],
  ['not a uuid'],
  [undefined],
  // biome-ignore lint/suspicious/noSparseArray: a hole is read as undefined
  [, '0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9e'],
  {},
  { env: 'prod', team: 'core' },
  { 2: 'b', 1: 'a', z: 'z' },
  { env: 1 },
  { env: null },
  { env: undefined },
  withSymbol,
  nullProto,
  protoKey,
  manyLabels,
  new Labels(),
  { constructor: 'x' },
  { required_approvers: 2, approver_groups: ['sre'], reason: null },
  { required_approvers: 2 },
  new Date(0),
  new String('x'),
];

describe('fast field parsers: exactly the field schema', () => {
  it('covers every field schema of the table', () => {
    expect(FIELD_SCHEMAS.size).toBeGreaterThan(10);
  });

  for (const [schema, name] of FIELD_SCHEMAS) {
    it(`${name}: each value of the corpus parses as zod parses it, or is left to zod`, () => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-05-01T12:00:00.000Z') });
      const parse = fastFieldParser(schema);
      for (const value of CORPUS) {
        const fast = parse(value);
        if (fast !== NOT_FAST && name === 'id' && value === undefined) {
          // A log line's missing id is a fresh UUID v7 on each parse.
          expect(fast).toMatch(UUID_V7);
          continue;
        }
        expectSameAsZod(schema, fast, value);
      }
    });

    it(`${name}: any value parses as zod parses it, or is left to zod (property)`, () => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-05-01T12:00:00.000Z') });
      const parse = fastFieldParser(schema);
      fc.assert(
        fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (value) => {
          if (name === 'id' && value === undefined) return; // a fresh random id on each parse
          expectSameAsZod(schema, parse(value), value);
        }),
        { seed: SEED, numRuns: 300 },
      );
    });
  }

  it('run_id: UUID-like strings with characters swapped parse as zod parses them (property)', () => {
    const schema = eventSchemas.run_created.shape.run_id;
    const parse = fastFieldParser(schema);
    const uuidish = fc
      .tuple(
        fc.uuid(),
        fc.boolean(),
        fc.array(
          fc.tuple(
            fc.nat(40),
            fc.constantFrom('a', 'F', 'f', 'G', 'g', '-', '0', 'Z', '\u212a', '\uff41', ' '),
          ),
          {
            maxLength: 2,
          },
        ),
      )
      .map(([id, upper, edits]) => {
        let text = upper ? id.toUpperCase() : id;
        for (const [at, char] of edits) text = text.slice(0, at % 37) + char + text.slice((at % 37) + 1);
        return text;
      });
    fc.assert(
      fc.property(uuidish, (text) => {
        const fast = parse(text);
        const zod = schema.safeParse(text);
        expect(fast === NOT_FAST ? 'refused' : fast).toBe(zod.success ? zod.data : 'refused');
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('takes the well-formed values itself (uuid, time, labels, numbers, enums)', () => {
    const parse = (name: string, value: unknown) => {
      const schema = [...FIELD_SCHEMAS].find(([, field]) => field === name)?.[0] as z.ZodType;
      return fastFieldParser(schema)(value);
    };
    expect(parse('run_id', UPPER_UUID)).toBe(UPPER_UUID.toLowerCase());
    expect(parse('at', '2026-01-02T03:04:05+01:00')).toBe('2026-01-02T02:04:05Z');
    expect(parse('labels', { b: 'x', a: 'y' })).toEqual({ b: 'x', a: 'y' });
    expect(parse('cost_usd', 0.5)).toBe(0.5);
    expect(parse('duration_ms', 12)).toBe(12);
    expect(parse('from', 'running')).toBe('running');
    expect(parse('error', null)).toBe(null);
    expect(parse('labels', { n: 1 })).toBe(NOT_FAST);
    expect(parse('run_id', 'nope')).toBe(NOT_FAST);
  });
});

/** What the fast path gives for `input` of `kind`, checked against zod's whole-event parse. */
function expectEventSameAsZod(kind: EventKind, input: Record<string, unknown>): unknown {
  const fast = parseWellFormedEvent(kind, input);
  expectSameAsZod(eventSchemas[kind], fast, input);
  return fast;
}

/** Upstream-shaped variants of a kind's example: what producers send besides the canonical form. */
function variantsOf(kind: EventKind): Record<string, unknown>[] {
  const base = example(kind);
  const shape = (eventSchemas[kind] as unknown as z.ZodObject).shape;
  const defaulted = Object.keys(shape).filter(
    (name) => (shape[name] as z.ZodType)._zod.optin === 'defaulted',
  );
  const upper = Object.fromEntries(
    Object.entries(base).map(([key, value]) => [
      key,
      typeof value === 'string' && /^[0-9a-f-]{36}$/.test(value) ? value.toUpperCase() : value,
    ]),
  );
  const offsetTimes = Object.fromEntries(
    Object.entries(base).map(([key, value]) => [
      key,
      typeof value === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(value)
        ? value.replace('Z', '+05:30').replace('T', 't')
        : value,
    ]),
  );
  const withoutDefaulted = { ...base };
  for (const name of defaulted) if (name !== 'id') delete withoutDefaulted[name];
  const undefinedDefaulted = { ...base };
  for (const name of defaulted) if (name !== 'id') undefinedDefaulted[name] = undefined;
  const reversed = Object.fromEntries(Object.entries(base).reverse());
  const extra = {
    zeta: { nested: [1, null] },
    ...base,
    7: 'seven',
    extra: null,
    gone: undefined,
    alpha: 'a',
  };
  return [base, upper, offsetTimes, withoutDefaulted, undefinedDefaulted, reversed, extra];
}

describe('fast event parser: exactly eventSchemas[kind]', () => {
  it.each(EVENT_KINDS)('%s: the canonical example and the library example take the fast path', (kind) => {
    expect(expectEventSameAsZod(kind, example(kind))).toBeDefined();
    expect(expectEventSameAsZod(kind, { ...exampleEvents[kind] })).toBeDefined();
    expect(JSON.stringify(parseWellFormedEvent(kind, example(kind)))).toBe(CANONICAL_EXAMPLES[kind]);
  });

  it.each(EVENT_KINDS)(
    '%s: upstream-shaped variants (case, offsets, absent and undefined defaults, extra keys, key order)',
    (kind) => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-05-01T12:00:00.000Z') });
      for (const variant of variantsOf(kind)) expectEventSameAsZod(kind, variant);
    },
  );

  it.each(EVENT_KINDS)(
    '%s: every field replaced by every corpus value gives zod’s answer or is left to zod',
    (kind) => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-05-01T12:00:00.000Z') });
      const base = example(kind);
      for (const name of Object.keys(base)) {
        if (name === 'type') continue;
        for (const value of CORPUS) {
          if (name === 'id' && value === undefined) continue; // a fresh random id on each parse
          const input = { ...base, [name]: value };
          const fast = expectEventSameAsZod(kind, input);
          if (!eventSchemas[kind].safeParse(input).success) expect(fast).toBeUndefined();
        }
      }
    },
  );

  it('a legacy log_line without an id gets a fresh UUID v7, like zod gives it', () => {
    const { id: _id, ...legacy } = example('log_line');
    const fast = parseWellFormedEvent('log_line', legacy) as unknown as Record<string, unknown>;
    expect(fast.id).toMatch(UUID_V7);
    expect(Object.keys(fast)).toEqual(Object.keys(example('log_line')));
  });

  it.each(EVENT_KINDS)('%s: an own `__proto__` key is not copied (zod skips it too)', (kind) => {
    const input = JSON.parse(`{"__proto__":{"polluted":true},${CANONICAL_EXAMPLES[kind].slice(1)}`);
    const fast = expectEventSameAsZod(kind, input);
    expect(Object.getPrototypeOf(fast)).toBe(Object.prototype);
  });

  it('a forbidden status change is left to zod, which refuses it', () => {
    const input = { ...example('run_status_changed'), from: 'completed', to: 'running' };
    expect(parseWellFormedEvent('run_status_changed', input)).toBeUndefined();
    expect(validateEvent(input).ok).toBe(false);
  });

  it('any event built from an example with arbitrary values and keys gives zod’s answer (property)', () => {
    const kinds = fc.constantFrom(...EVENT_KINDS);
    fc.assert(
      fc.property(
        kinds,
        fc.dictionary(fc.string(), fc.anything({ withNullPrototype: true }), { maxKeys: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.anything()), { maxLength: 3 }),
        (kind, extra, replaced) => {
          const input: Record<string, unknown> = { ...example(kind), ...extra, type: kind };
          const names = Object.keys(input);
          for (const [at, value] of replaced) input[names[at % names.length] as string] = value;
          input.type = kind;
          if (input.id === undefined && kind === 'log_line') input.id = example(kind).id;
          expectEventSameAsZod(kind, input);
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('validateEvent with the fast path', () => {
  it.each(EVENT_KINDS)('%s: refusals carry zod’s issues (every field wrong in turn)', (kind) => {
    for (const name of Object.keys(example(kind))) {
      if (name === 'type') continue;
      for (const value of [null, 42, 'x', [], {}]) {
        const input = { ...example(kind), [name]: value };
        const zod = eventSchemas[kind].safeParse(input);
        const result = validateEvent(input);
        expect(result.ok).toBe(zod.success);
        if (!result.ok && !zod.success) {
          expect(result.issues.map((issue) => issue.message)).toEqual(
            zod.error.issues.map((issue) => issue.message),
          );
        }
      }
    }
  });
});
