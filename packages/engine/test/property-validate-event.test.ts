import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canChangeStatus,
  EVENT_KIND_NAMES,
  EVENT_KINDS,
  type EventKind,
  eventSchemas,
  LOG_STREAMS,
  PROVIDER_ACCOUNT_CHANGES,
  PROVIDER_WINDOW_STATUSES,
  parseEventKindList,
  RUN_STATUSES,
  SCHEDULE_MISS_REASONS,
  serializeEvent,
  UnknownEventKindError,
  validateEvent,
} from '../src/index.js';

// Fixed seeds: a failure in CI replays exactly here. Change a seed only with a reason.
const SEED = 20_260_501;
const NOW = () => new Date('2026-05-01T12:00:00.000Z');

/** What a field accepts, so generators for valid and for invalid values can be derived per field. */
type FieldType =
  | 'uuid'
  | 'nullableUuid'
  | 'uuidList'
  | 'time'
  | 'text'
  | 'string'
  | 'nullableText'
  | 'cost'
  | 'duration'
  | 'count'
  | 'labels'
  | 'requirement'
  | 'assignee'
  | 'windows';

const FIELD_TYPES: Readonly<Record<string, FieldType>> = {
  id: 'uuid',
  run_id: 'uuid',
  step_id: 'uuid',
  user_id: 'uuid',
  account_id: 'uuid',
  signal_id: 'uuid',
  schedule_id: 'uuid',
  resumed_runs: 'uuidList',
  at: 'time',
  deadline_at: 'time',
  first: 'time',
  last: 'time',
  workflow_name: 'text',
  step_name: 'text',
  kind: 'text',
  message: 'text',
  approved_by: 'text',
  rejected_by: 'text',
  username: 'text',
  name: 'text',
  original_version: 'text',
  current_version: 'text',
  line: 'string',
  key: 'string',
  policy: 'string',
  action: 'string',
  reason: 'string',
  error: 'nullableText',
  cost_usd: 'cost',
  limit_usd: 'cost',
  spent_usd: 'cost',
  step_budget_usd: 'cost',
  duration_ms: 'duration',
  stage: 'count',
  count: 'count',
  approvals_received: 'count',
  approvals_required: 'count',
  labels: 'labels',
  requirement: 'requirement',
  assignee: 'assignee',
  windows: 'windows',
};

/** Closed string sets, per field (and per kind where one name means two things). */
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  stream: LOG_STREAMS,
  from: RUN_STATUSES,
  to: RUN_STATUSES,
  change: PROVIDER_ACCOUNT_CHANGES,
  'schedule_occurrences_missed.reason': SCHEDULE_MISS_REASONS,
};
const enumOf = (field: string, kind: EventKind) => ENUMS[`${kind}.${field}`] ?? ENUMS[field];

const hex = (min: number) => fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${min}}$`));
/** Any-case UUIDs (the schema lowercases). */
const anyCaseUuid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-'));

/** RFC 3339 times with any offset and 0–9 fraction digits; years kept inside 0001–9998 after offsets. */
const rfc3339 = fc
  .record({
    ms: fc.integer({ min: Date.UTC(1, 0, 2), max: Date.UTC(9998, 11, 30) }),
    fraction: fc.stringMatching(/^(\.\d{1,9})?$/),
    offsetMinutes: fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
    lowercase: fc.boolean(),
  })
  .map(({ ms, fraction, offsetMinutes, lowercase }) => {
    const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    const offset =
      offsetMinutes === 0 && lowercase
        ? 'z'
        : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    const text = `${local}${fraction}${offset}`;
    return lowercase ? text.replace('T', 't') : text;
  });

const text = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });

/** `error` is nullable on the run kinds but a required message on `step_failed`; `step_id` is nullable on the approval decisions. */
const typeOf = (field: string, kind: EventKind): FieldType | undefined => {
  if (kind === 'step_failed' && field === 'error') return 'text';
  if ((kind === 'approval_granted' || kind === 'approval_rejected') && field === 'step_id')
    return 'nullableUuid';
  return FIELD_TYPES[field];
};

const moneyValue = fc
  .double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true })
  .map((n) => (n === 0 ? 0 : n));
const rfc3339OrNull = () => fc.option(rfc3339, { nil: null });
const windowValue = fc.record(
  {
    account_id: anyCaseUuid,
    window: text,
    utilization: fc.double({ min: 0, max: 1, noNaN: true }).map((n) => (n === 0 ? 0 : n)),
    status: fc.constantFrom(...PROVIDER_WINDOW_STATUSES),
    resets_at: rfc3339OrNull(),
    model_scope: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
    observed_at: rfc3339,
  },
  { requiredKeys: ['account_id', 'window', 'utilization', 'status', 'observed_at'] },
);

function validValue(field: string, kind: EventKind): fc.Arbitrary<unknown> {
  const closed = enumOf(field, kind);
  if (closed !== undefined) return fc.constantFrom(...closed);
  switch (typeOf(field, kind)) {
    case 'uuid':
      return anyCaseUuid;
    case 'nullableUuid':
      return fc.option(anyCaseUuid, { nil: null });
    case 'uuidList':
      return fc.array(anyCaseUuid, { maxLength: 4 });
    case 'count':
      return fc.nat({ max: Number.MAX_SAFE_INTEGER });
    case 'requirement':
      return fc.option(
        fc.record(
          {
            required_approvers: fc.nat({ max: 20 }),
            approver_groups: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
            reason: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
          },
          { requiredKeys: ['required_approvers'] },
        ),
        { nil: null },
      );
    case 'assignee':
      return fc.option(
        fc.tuple(fc.constantFrom('user:', 'group:'), text).map(([prefix, name]) => prefix + name),
        { nil: null },
      );
    case 'windows':
      return fc.array(windowValue, { maxLength: 3 });
    case 'time':
      return rfc3339;
    case 'text':
      return text;
    case 'string':
      return fc.string({ maxLength: 80, unit: 'binary' });
    case 'nullableText':
      return fc.option(fc.string({ maxLength: 40 }), { nil: null });
    case 'cost':
      return moneyValue;
    case 'duration':
      return fc.nat({ max: Number.MAX_SAFE_INTEGER });
    case 'labels':
      return fc.dictionary(
        fc.string({ maxLength: 12 }).filter((key) => key !== '__proto__'),
        fc.string({ maxLength: 20 }),
        { maxKeys: 5 },
      );
    default:
      throw new Error(`no generator for ${kind}.${field}`);
  }
}

/** Values a field must refuse: wrong JSON types and, per type, wrong strings or numbers. */
function invalidValue(field: string, kind: EventKind): fc.Arbitrary<unknown> {
  const wrongType = fc.oneof(fc.boolean(), fc.constant([]), fc.constant({ nested: 1 }));
  if (enumOf(field, kind) !== undefined) {
    return fc.oneof(wrongType, fc.integer(), fc.constantFrom('', 'STDOUT', 'done', 'Running', 'Created'));
  }
  switch (typeOf(field, kind)) {
    case 'nullableUuid':
      return fc.oneof(wrongType, fc.integer(), fc.constantFrom('', 'not-a-uuid'));
    case 'uuidList':
      return fc.oneof(fc.boolean(), fc.integer(), fc.constant(null), fc.constant(['x']), fc.constant([7]));
    case 'count':
      return fc.oneof(wrongType, fc.string(), fc.constant(null), fc.integer({ max: -1 }), fc.constant(0.5));
    case 'requirement':
      return fc.oneof(
        fc.boolean(),
        fc.integer(),
        fc.string(),
        fc.constant([]),
        fc.constant({}),
        fc.constant({ required_approvers: -1 }),
        fc.constant({ required_approvers: 1, approver_groups: 'sre' }),
      );
    case 'assignee':
      return fc.oneof(wrongType, fc.integer(), fc.constantFrom('', 'alice', 'user:', 'group:', 'team:x'));
    case 'windows':
      return fc.oneof(
        fc.boolean(),
        fc.constant(null),
        fc.constant({}),
        fc.constant([{}]),
        windowValue.map((window) => [{ ...window, utilization: 1.5 }]),
        windowValue.map((window) => [{ ...window, status: 'blocked' }]),
      );
    case 'uuid':
      return fc.oneof(
        wrongType,
        fc.integer(),
        fc.string({ maxLength: 40 }).filter((s) => s.length !== 36),
      );
    case 'time':
      return fc.oneof(
        wrongType,
        fc.integer(),
        fc.constantFrom(
          '2026-02-30T00:00:00Z',
          '2026-01-01',
          '2026-01-01T24:00:00Z',
          '2026-01-01T00:00:60Z',
          'now',
        ),
      );
    case 'text':
      return fc.oneof(wrongType, fc.integer(), fc.constant(''), fc.constant(null));
    case 'string':
      return fc.oneof(wrongType, fc.integer(), fc.constant(null));
    case 'nullableText':
      return fc.oneof(wrongType, fc.integer());
    case 'cost':
      return fc.oneof(
        wrongType,
        fc.string(),
        fc.constant(null),
        fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
      );
    case 'duration':
      return fc.oneof(
        wrongType,
        fc.string(),
        fc.constant(null),
        fc.integer({ max: -1 }),
        fc.constantFrom(0.5, 1.25, -0.5),
      );
    case 'labels':
      return fc.oneof(
        fc.boolean(),
        fc.integer(),
        fc.string(),
        fc.constant({ env: 1 }),
        fc.constant({ env: null }),
      );
    default:
      throw new Error(`no invalid generator for ${field}`);
  }
}

/** Fields with a default (docs/PROTOCOL.md §2, written out): `at` on every kind, and these. */
const DEFAULTED: Readonly<Record<string, readonly string[]>> = {
  run_status_changed: ['error', 'labels'],
  run_failed: ['error', 'labels'],
  approval_requested: ['requirement'],
  approval_granted: ['step_id', 'approvals_received', 'approvals_required', 'requirement'],
  approval_rejected: ['step_id', 'requirement'],
  approval_escalated: ['assignee'],
  log_line: ['id'],
};
const optionalFields = (kind: EventKind) =>
  fieldsOf(kind).filter((field) => field === 'at' || DEFAULTED[kind]?.includes(field));

/** A newer producer's extra fields: names no kind knows (not integer-like, so their order holds), any JSON. */
const extraFields = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).map((name) => `x_${name}`),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
  { maxKeys: 3 },
);

const fieldsOf = (kind: EventKind) => Object.keys(eventSchemas[kind].shape).filter((name) => name !== 'type');

/** A valid input event of `kind`, in random key order and case, with optional fields sometimes absent. */
function validEvent(kind: EventKind): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of fieldsOf(kind)) shape[field] = validValue(field, kind);
  const optional = optionalFields(kind);
  let arbitrary = fc.record(shape, { requiredKeys: fieldsOf(kind).filter((f) => !optional.includes(f)) });
  if (kind === 'run_status_changed') {
    arbitrary = arbitrary.filter((event) => canChangeStatus(event.from as never, event.to as never));
  }
  return fc.tuple(arbitrary, extraFields, fc.infiniteStream(fc.nat())).map(([fields, extras, order]) => {
    const entries = [...Object.entries(fields), ...Object.entries(extras)];
    // Shuffle the keys: canonical order must come from the schema, not from the input.
    const shuffled = entries
      .map((entry) => [order.next().value as number, entry] as const)
      .sort((a, b) => a[0] - b[0]);
    return Object.fromEntries([['type', kind], ...shuffled.map(([, entry]) => entry)]);
  });
}

const anyValidEvent = fc.constantFrom(...EVENT_KINDS).chain(validEvent);

function hasIssueAt(issues: readonly { path: string }[], field: string): boolean {
  return issues.some(
    (issue) =>
      issue.path === field || issue.path.startsWith(`${field}.`) || issue.path.startsWith(`${field}[`),
  );
}

describe('validateEvent, property-based', () => {
  it('never throws for any JSON text a producer can send, and returns issues with string paths', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (json) => {
        const result = validateEvent(JSON.parse(json), { now: NOW });
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) {
            expect(typeof issue.path).toBe('string');
            expect(typeof issue.message).toBe('string');
          }
        }
      }),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  it('never throws for objects of a known kind with random fields (JSON-parsed, so __proto__ keys are own keys)', () => {
    const kindWithJunk = fc
      .tuple(
        fc.constantFrom(...EVENT_KINDS),
        fc.dictionary(
          fc.oneof(
            fc.constantFrom(...Object.keys(FIELD_TYPES), 'from', 'to', 'stream', '__proto__', 'constructor'),
            fc.string(),
          ),
          fc.jsonValue({ maxDepth: 3 }),
          { maxKeys: 10 },
        ),
      )
      .map(([type, junk]) => JSON.parse(JSON.stringify({ ...junk, type })));
    fc.assert(
      fc.property(kindWithJunk, (input) => {
        const result = validateEvent(input, { now: NOW });
        if (result.ok) expect(serializeEvent(result.event)).toBe(JSON.stringify(result.event));
      }),
      { seed: SEED, numRuns: 2_000 },
    );
  });

  it('accepts every generated valid event and returns its canonical form, a fixed point of validation', () => {
    fc.assert(
      fc.property(anyValidEvent, (input) => {
        const first = validateEvent(input, { now: NOW });
        if (!first.ok) throw new Error(`rejected ${JSON.stringify(input)}: ${JSON.stringify(first.issues)}`);
        const event = first.event as unknown as Record<string, unknown>;
        // Keys: `type` first, then the documented order, every field present, then the unknown ones in the order given.
        const known = fieldsOf(input.type as EventKind);
        const extras = Object.keys(input).filter((key) => key.startsWith('x_'));
        expect(Object.keys(event)).toEqual(['type', ...known, ...extras]);
        for (const key of extras) expect(event[key]).toEqual(input[key]);
        for (const field of fieldsOf(input.type as EventKind)) {
          const value = event[field];
          const given = input[field];
          if (typeOf(field, input.type as EventKind) === 'uuid' && typeof given === 'string')
            expect(value).toBe(given.toLowerCase());
          if (field === 'id' && given === undefined) expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
          if (FIELD_TYPES[field] === 'time')
            expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        }
        if (input.at !== undefined) {
          const given = Date.parse((input.at as string).toUpperCase().replace(/\.\d+/, ''));
          expect(Date.parse((event.at as string).replace(/\.\d+/, ''))).toBe(given);
        }
        const wire = serializeEvent(first.event);
        expect(wire).toBe(JSON.stringify(event));
        const second = validateEvent(JSON.parse(wire), { now: NOW });
        expect(second).toEqual({ ok: true, event });
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('rejects every event with one field made invalid, with an issue at that field', () => {
    const mutated = anyValidEvent.chain((event) =>
      fc.constantFrom(...fieldsOf(event.type as EventKind)).chain((field) =>
        invalidValue(field, event.type as EventKind).map((bad) => ({
          event: { ...event, [field]: bad },
          field,
        })),
      ),
    );
    fc.assert(
      fc.property(mutated, ({ event, field }) => {
        const result = validateEvent(event, { now: NOW });
        if (result.ok) throw new Error(`accepted invalid ${field}: ${JSON.stringify(event[field])}`);
        expect(hasIssueAt(result.issues, field)).toBe(true);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('rejects every event missing a required field, with an issue at that field', () => {
    const missing = anyValidEvent.chain((event) =>
      fc
        .constantFrom(
          ...fieldsOf(event.type as EventKind).filter(
            (f) => !optionalFields(event.type as EventKind).includes(f),
          ),
        )
        .map((field) => {
          const copy = { ...event };
          delete copy[field];
          return { event: copy, field };
        }),
    );
    fc.assert(
      fc.property(missing, ({ event, field }) => {
        const result = validateEvent(event, { now: NOW });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.issues).toContainEqual({ path: field, message: 'required' });
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('never throws for values nested deeper than JSON.stringify can go (a 413-sized body can hold them)', () => {
    const deep = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth));
    fc.assert(
      fc.property(
        fc.constantFrom('type', 'run_id', 'labels', 'at'),
        fc.integer({ min: 1, max: 200_000 }),
        (field, depth) => {
          const result = validateEvent({ type: 'run_status_changed', [field]: deep(depth) });
          expect(result.ok).toBe(false);
        },
      ),
      { seed: SEED, numRuns: 30 },
    );
    expect(validateEvent({ type: deep(200_000) })).toEqual({
      ok: false,
      issues: [{ path: 'type', message: 'unknown event kind: an array' }],
    });
  });

  it('names any unknown type in the single issue, at path type', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !(EVENT_KINDS as readonly string[]).includes(s)),
        (type) => {
          const result = validateEvent({ type, run_id: 'x' });
          expect(result).toEqual({
            ok: false,
            issues: [{ path: 'type', message: `unknown event kind: ${type}` }],
          });
        },
      ),
      { seed: SEED, numRuns: 2_000 },
    );
  });
});

describe('parseEventKindList, property-based', () => {
  const whitespace = fc.stringMatching(/^[ \t]{0,3}$/);

  it('parses any list of kinds with random spacing and empty items, once each, in first-seen order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(whitespace, fc.constantFrom(...EVENT_KIND_NAMES, ''), whitespace)),
        (items) => {
          const textList = items.map(([before, kind, after]) => `${before}${kind}${after}`).join(',');
          const expected = [...new Set(items.map(([, kind]) => kind).filter((kind) => kind !== ''))];
          expect(parseEventKindList(textList)).toEqual(expected);
        },
      ),
      { seed: SEED, numRuns: 3_000 },
    );
  });

  it('on any string returns only kinds or throws UnknownEventKindError naming a trimmed item', () => {
    const listLike = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc
        .array(fc.oneof(fc.constantFrom(...EVENT_KIND_NAMES), fc.string({ maxLength: 12 })))
        .map((a) => a.join(',')),
    );
    fc.assert(
      fc.property(listLike, (textList) => {
        let kinds: string[];
        try {
          kinds = parseEventKindList(textList);
        } catch (error) {
          expect(error).toBeInstanceOf(UnknownEventKindError);
          const named = (error as Error).message.replace(/^unknown event kind: /, '');
          expect(textList.split(',').map((item) => item.trim())).toContain(named);
          expect(named).toBe(named.trim());
          return;
        }
        for (const kind of kinds) expect(EVENT_KIND_NAMES).toContain(kind);
      }),
      { seed: SEED, numRuns: 5_000 },
    );
  });
});
