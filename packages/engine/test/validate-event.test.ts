import { describe, expect, it } from 'vitest';
import {
  EVENT_KINDS,
  type EventKind,
  eventSchemas,
  type IronflowEvent,
  ironflowEventSchema,
  serializeEvent,
  validateEvent,
} from '../src/index.js';
import { CANONICAL_EXAMPLES, example, RUN_ID } from './fixtures.js';

const FIXED_NOW = () => new Date('2026-03-04T05:06:07.890Z');

function valid(input: unknown): IronflowEvent {
  const result = validateEvent(input, { now: FIXED_NOW });
  if (!result.ok) throw new Error(`expected valid, got ${JSON.stringify(result.issues)}`);
  return result.event;
}

function issuesOf(input: unknown) {
  const result = validateEvent(input, { now: FIXED_NOW });
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.event)}`);
  return result.issues;
}

describe('validateEvent: every kind', () => {
  it('has a canonical example for each of the 20 kinds', () => {
    expect(Object.keys(CANONICAL_EXAMPLES)).toEqual(EVENT_KINDS);
  });

  it.each(EVENT_KINDS)('%s round-trips byte for byte through validateEvent and serializeEvent', (kind) => {
    const text = CANONICAL_EXAMPLES[kind];
    const event = valid(JSON.parse(text));
    expect(event.type).toBe(kind);
    expect(serializeEvent(event)).toBe(text);
    expect(JSON.stringify(event)).toBe(text);
  });

  it.each(EVENT_KINDS)('%s: the zod schemas accept the example too', (kind) => {
    const input = example(kind);
    expect(eventSchemas[kind].parse(input)).toEqual(input);
    expect(ironflowEventSchema.parse(input)).toEqual(input);
  });
});

describe('validateEvent: canonical form', () => {
  it('orders known keys canonically whatever the input order, and keeps unknown keys after them in the order given', () => {
    const shuffled = {
      at: '2026-01-02T03:04:05Z',
      zeta: 'kept',
      workflow_name: 'deploy',
      nested: { b: [1, null], a: { deep: true } },
      run_id: RUN_ID,
      alpha: null,
      type: 'run_created',
    };
    const event = valid(shuffled);
    expect(Object.keys(event)).toEqual(['type', 'run_id', 'workflow_name', 'at', 'zeta', 'nested', 'alpha']);
    const json = `{"type":"run_created","run_id":"${RUN_ID}","workflow_name":"deploy","at":"2026-01-02T03:04:05Z","zeta":"kept","nested":{"b":[1,null],"a":{"deep":true}},"alpha":null}`;
    expect(serializeEvent(event)).toBe(json);
    expect(JSON.stringify(event)).toBe(json);
    // A fixed point: the stored form validates to itself.
    expect(serializeEvent(valid(JSON.parse(json)))).toBe(json);
  });

  it('keeps unknown keys of nested objects after their known ones', () => {
    const event = valid({
      ...example('approval_requested'),
      requirement: { extra: 1, reason: 'r', required_approvers: 3 },
    });
    expect(JSON.stringify((event as { requirement: unknown }).requirement)).toBe(
      '{"required_approvers":3,"approver_groups":[],"reason":"r","extra":1}',
    );
  });

  it('refuses a top-level "__proto__" key rather than losing it', () => {
    const input = JSON.parse(
      `{"type":"run_created","run_id":"${RUN_ID}","workflow_name":"w","__proto__":{"x":1}}`,
    );
    expect(issuesOf(input)).toEqual([{ path: '["__proto__"]', message: 'field "__proto__" is not allowed' }]);
  });

  it('refuses a "__proto__" key in a nested object rather than losing it, and keeps one inside an unknown field', () => {
    const requirement = JSON.parse(
      `{"type":"approval_requested","run_id":"${RUN_ID}","step_id":"${RUN_ID}","message":"m","requirement":{"required_approvers":1,"__proto__":{"x":1}}}`,
    );
    expect(issuesOf(requirement)).toEqual([
      { path: 'requirement["__proto__"]', message: 'field "__proto__" is not allowed' },
    ]);
    const windows = JSON.parse(CANONICAL_EXAMPLES['provider_account.usage_updated']);
    windows.windows[0] = JSON.parse(`{"__proto__":null,${JSON.stringify(windows.windows[0]).slice(1)}`);
    expect(issuesOf(windows)).toEqual([
      { path: 'windows[0]["__proto__"]', message: 'field "__proto__" is not allowed' },
    ]);
    const unknown = JSON.parse(
      `{"type":"run_created","run_id":"${RUN_ID}","workflow_name":"w","x":{"__proto__":{"y":1}}}`,
    );
    expect(serializeEvent(valid(unknown))).toContain(',"x":{"__proto__":{"y":1}}}');
  });

  it("gives legacy payloads upstream's defaults", () => {
    const granted = valid({ type: 'approval_granted', run_id: RUN_ID, approved_by: 'alice' });
    expect(granted).toEqual({
      type: 'approval_granted',
      run_id: RUN_ID,
      step_id: null,
      approved_by: 'alice',
      approvals_received: 1,
      approvals_required: 1,
      requirement: null,
      at: '2026-03-04T05:06:07.890Z',
    });
    const rejected = valid({ type: 'approval_rejected', run_id: RUN_ID, rejected_by: 'bob' });
    expect(Object.keys(rejected)).toEqual(['type', 'run_id', 'step_id', 'rejected_by', 'requirement', 'at']);
    const requested = valid({ ...example('approval_requested'), requirement: undefined });
    expect(requested).toMatchObject({ requirement: null });
    const escalated = example('approval_escalated');
    delete escalated.assignee;
    expect(valid(escalated)).toMatchObject({ assignee: null });
    const line = example('log_line');
    delete line.id;
    const minted = valid(line) as { id: string };
    expect(minted.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Object.keys(minted)[1]).toBe('id');
    expect((valid(line) as { id: string }).id).not.toBe(minted.id);
    const window = JSON.parse(CANONICAL_EXAMPLES['provider_account.usage_updated']);
    delete window.windows[0].resets_at;
    delete window.windows[0].model_scope;
    expect(valid(window)).toMatchObject({ windows: [{ resets_at: null, model_scope: null }] });
    const requirement = valid({ ...example('approval_requested'), requirement: { required_approvers: 1 } });
    expect(requirement).toMatchObject({
      requirement: { required_approvers: 1, approver_groups: [], reason: null },
    });
  });

  it("accepts upstream's new statuses and a terminal status repeated", () => {
    for (const to of ['warning', 'sleeping']) {
      expect(valid({ ...example('run_status_changed'), from: 'running', to })).toMatchObject({ to });
    }
    expect(valid({ ...example('run_status_changed'), from: 'sleeping', to: 'pending' })).toMatchObject({
      to: 'pending',
    });
    expect(valid({ ...example('run_status_changed'), from: 'warning', to: 'warning' })).toMatchObject({
      to: 'warning',
    });
  });

  it('accepts 1000 labels and refuses 1001', () => {
    const labels = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));
    expect(valid({ ...example('run_failed'), labels: labels(1000) })).toBeDefined();
    expect(issuesOf({ ...example('run_failed'), labels: labels(1001) })).toEqual([
      { path: 'labels', message: 'expected at most 1000 labels, received 1001' },
    ]);
  });

  it('names the first 10 label values that are not strings and counts the rest in one issue', () => {
    const labels = Object.fromEntries(
      Array.from({ length: 999 }, (_, i) => [`k${i}`, i % 2 === 0 ? i : 'v']),
    );
    const issues = issuesOf({ ...example('run_failed'), labels });
    expect(issues).toHaveLength(11);
    expect(issues.slice(0, 2)).toEqual([
      { path: 'labels.k0', message: 'expected a string label value' },
      { path: 'labels.k2', message: 'expected a string label value' },
    ]);
    expect(issues[10]).toEqual({ path: 'labels', message: 'and 490 more label values that are not strings' });
  });

  it('refuses secrets_rotated at validation like an unknown kind: it is never streamed', () => {
    expect(issuesOf({ type: 'secrets_rotated', at: '2026-01-02T03:04:05Z' })).toEqual([
      { path: 'type', message: 'unknown event kind: secrets_rotated' },
    ]);
  });

  it('lowercases UUIDs of any version', () => {
    const event = valid({ ...example('log_line'), id: 'ABCDEF01-2345-6789-ABCD-EF0123456789' });
    expect(event).toMatchObject({ id: 'abcdef01-2345-6789-abcd-ef0123456789' });
  });

  it('defaults at to now, error to null and labels to {}', () => {
    const input = example('run_status_changed');
    delete input.at;
    delete input.error;
    delete input.labels;
    const event = valid(input);
    expect(event).toMatchObject({ at: '2026-03-04T05:06:07.890Z', error: null, labels: {} });
    expect(Object.keys(event)).toEqual(Object.keys(example('run_status_changed')));
  });

  it('defaults at to the real clock when no clock is given', () => {
    const input = example('run_created');
    delete input.at;
    const before = Date.now();
    const result = validateEvent(input);
    expect(result.ok).toBe(true);
    const at = Date.parse((result as { event: { at: string } }).event.at);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it('keeps labels in their given order and an empty log line', () => {
    const changed = valid({
      ...example('run_status_changed'),
      labels: { z: '1', a: '', 'app.io/name': 'x' },
    });
    expect(Object.keys((changed as { labels: object }).labels)).toEqual(['z', 'a', 'app.io/name']);
    expect(valid({ ...example('log_line'), line: '' })).toMatchObject({ line: '' });
  });

  it('passes custom step kinds through as given', () => {
    expect(valid({ ...example('step_completed'), kind: 'My Custom Op' })).toMatchObject({
      kind: 'My Custom Op',
    });
  });

  it('serializeEvent writes canonical JSON for a hand-built object in any key order, extra keys last', () => {
    const handBuilt = {
      at: '2026-01-02T03:04:05Z',
      note: 1,
      user_id: RUN_ID,
      skipped: undefined,
      type: 'user_signed_out',
    };
    expect(serializeEvent(handBuilt as unknown as IronflowEvent)).toBe(
      `{"type":"user_signed_out","user_id":"${RUN_ID}","at":"2026-01-02T03:04:05Z","note":1}`,
    );
  });
});

describe('validateEvent: rejections', () => {
  const cases: [kind: EventKind, field: string, value: unknown, path: string, message: RegExp][] = [
    ['run_created', 'run_id', 'not-a-uuid', 'run_id', /UUID/],
    ['run_created', 'run_id', '0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9', 'run_id', /UUID/],
    ['run_created', 'run_id', '0190a8e4x7c1f-7b3a-9d2e-4f5a6b7c8d9e', 'run_id', /UUID/],
    ['run_created', 'run_id', 42, 'run_id', /UUID/],
    ['log_line', 'id', '{0190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9e}', 'id', /UUID/],
    ['step_failed', 'step_id', 'g190a8e4-7c1f-7b3a-9d2e-4f5a6b7c8d9e', 'step_id', /UUID/],
    ['user_signed_in', 'user_id', '', 'user_id', /UUID/],
    ['run_created', 'at', '2026-01-02 03:04:05Z', 'at', /RFC 3339/],
    ['run_created', 'at', '2026-02-30T03:04:05Z', 'at', /RFC 3339/],
    ['run_created', 'at', '2026-01-02T03:04:05', 'at', /RFC 3339/],
    ['run_created', 'at', 1767323045000, 'at', /RFC 3339/],
    ['run_created', 'at', null, 'at', /RFC 3339/],
    ['run_created', 'workflow_name', '', 'workflow_name', /non-empty string/],
    ['run_failed', 'cost_usd', -0.01, 'cost_usd', />= 0/],
    ['run_failed', 'cost_usd', '1.5', 'cost_usd', /finite number/],
    ['step_completed', 'cost_usd', Number.POSITIVE_INFINITY, 'cost_usd', /finite number/],
    ['step_completed', 'cost_usd', Number.NaN, 'cost_usd', /finite number/],
    ['step_completed', 'duration_ms', 1.5, 'duration_ms', /integer/],
    ['step_completed', 'duration_ms', -1, 'duration_ms', /integer/],
    ['run_failed', 'duration_ms', 2 ** 53, 'duration_ms', /integer/],
    ['log_line', 'stream', 'stdin', 'stream', /one of stdout, stderr, system/],
    ['log_line', 'line', 7, 'line', /string/],
    ['run_status_changed', 'to', 'done', 'to', /one of pending, running/],
    ['run_status_changed', 'from', 'RUNNING', 'from', /one of pending, running/],
    ['step_completed', 'kind', '', 'kind', /non-empty string/],
    ['step_failed', 'error', '', 'error', /non-empty string/],
    ['run_failed', 'error', 5, 'error', /string or null/],
    ['run_status_changed', 'labels', { env: 1 }, 'labels.env', /string/],
    ['run_status_changed', 'labels', { 'app.io/name': null }, 'labels["app.io/name"]', /string/],
    ['run_status_changed', 'labels', ['prod'], 'labels', /object of string to string/],
    ['run_status_changed', 'labels', 'env=prod', 'labels', /object of string to string/],
    ['user_signed_up', 'username', '', 'username', /non-empty string/],
    ['approval_granted', 'approved_by', '', 'approved_by', /non-empty string/],
    ['approval_requested', 'message', '', 'message', /non-empty string/],
    ['approval_granted', 'step_id', 'x', 'step_id', /UUID/],
    ['approval_granted', 'approvals_received', -1, 'approvals_received', /integer >= 0/],
    ['approval_granted', 'approvals_required', 1.5, 'approvals_required', /integer >= 0/],
    [
      'approval_granted',
      'requirement',
      { required_approvers: -1 },
      'requirement.required_approvers',
      /integer/,
    ],
    ['approval_requested', 'requirement', 'two', 'requirement', /ApprovalRequirement/],
    [
      'approval_requested',
      'requirement',
      { required_approvers: 1, approver_groups: [1] },
      'requirement.approver_groups[0]',
      /string/,
    ],
    ['approval_escalated', 'assignee', 'alice', 'assignee', /user:<name>/],
    ['approval_escalated', 'assignee', 'user:', 'assignee', /user:<name>/],
    ['approval_escalated', 'stage', -1, 'stage', /integer >= 0/],
    ['run_budget_exceeded', 'limit_usd', -2, 'limit_usd', />= 0/],
    ['retry_forced', 'original_version', '', 'original_version', /non-empty string/],
    [
      'provider_account.updated',
      'change',
      'renamed',
      'change',
      /one of created, updated, deleted, token_replaced/,
    ],
    ['provider_account.usage_updated', 'windows', {}, 'windows', /array of ProviderAccountWindow/],
    ['signal_awaited', 'deadline_at', 'tomorrow', 'deadline_at', /RFC 3339/],
    ['signal_received', 'resumed_runs', ['x'], 'resumed_runs[0]', /UUID/],
    [
      'schedule_occurrences_missed',
      'reason',
      'late',
      'reason',
      /one of outside_window, catchup_max, superseded, catchup_skip, overlap/,
    ],
    ['schedule_occurrences_missed', 'count', -1, 'count', /integer >= 0/],
  ];

  it.each(cases)('%s.%s = %j → issue at %s', (kind, field, value, path, message) => {
    const issues = issuesOf({ ...example(kind), [field]: value });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
  });

  it.each([
    ['utilization', 1.01, 'windows[0].utilization', /number from 0 to 1/],
    ['status', 'blocked', 'windows[0].status', /one of allowed, allowed_warning, rejected/],
    ['resets_at', 'soon', 'windows[0].resets_at', /RFC 3339/],
    ['observed_at', undefined, 'windows[0].observed_at', /required/],
  ])('a provider window with %s = %j → issue at %s', (field, value, path, message) => {
    const input = JSON.parse(CANONICAL_EXAMPLES['provider_account.usage_updated']);
    input.windows[0][field] = value;
    const issues = issuesOf(input);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
  });

  // docs/PROTOCOL.md §2's defaults, written out: every other field is required.
  const DEFAULTED: Record<string, string[]> = {
    run_status_changed: ['error', 'labels'],
    run_failed: ['error', 'labels'],
    approval_requested: ['requirement'],
    approval_granted: ['step_id', 'approvals_received', 'approvals_required', 'requirement'],
    approval_rejected: ['step_id', 'requirement'],
    approval_escalated: ['assignee'],
    log_line: ['id'],
  };

  it.each(
    EVENT_KINDS.flatMap((kind) =>
      Object.keys(example(kind))
        .filter((field) => field !== 'type' && field !== 'at' && !DEFAULTED[kind]?.includes(field))
        .map((field) => [kind, field] as const),
    ),
  )('%s without %s → "required" at that path', (kind, field) => {
    const input = example(kind);
    delete input[field];
    expect(issuesOf(input)).toEqual([{ path: field, message: 'required' }]);
  });

  it('reports every bad field at once', () => {
    const issues = issuesOf({ ...example('step_completed'), run_id: 'x', duration_ms: -5, cost_usd: -1 });
    expect(issues.map((issue) => issue.path)).toEqual(['run_id', 'duration_ms', 'cost_usd']);
  });

  it('rejects a label key that would be lost when the object is built', () => {
    const input = JSON.parse(`{"type":"run_failed","run_id":"${RUN_ID}","workflow_name":"w","error":null,
      "cost_usd":0,"duration_ms":0,"labels":{"__proto__":"x"}}`);
    expect(issuesOf(input)).toEqual([
      { path: 'labels.__proto__', message: 'label key "__proto__" is not allowed' },
    ]);
  });

  it.each([
    [{ type: 'run_creatd' }, 'unknown event kind: run_creatd'],
    [{ type: '' }, 'unknown event kind: '],
    [{ type: 'constructor' }, 'unknown event kind: constructor'],
    [{ run_id: RUN_ID }, 'unknown event kind: undefined'],
    [{ type: null }, 'unknown event kind: null'],
    [{ type: 7 }, 'unknown event kind: 7'],
    [{ type: ['run_created'] }, 'unknown event kind: ["run_created"]'],
  ])('rejects %j with one issue at type', (input, message) => {
    expect(issuesOf(input)).toEqual([{ path: 'type', message }]);
  });

  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [true, 'a boolean'],
    ['{"type":"run_created"}', 'a string'],
    [42, 'a number'],
    [[example('run_created')], 'an array'],
  ])('rejects the non-object %j at the root', (input, described) => {
    expect(issuesOf(input)).toEqual([
      { path: '', message: `expected an event object, received ${described}` },
    ]);
  });

  it('rejects a disallowed status change at path to', () => {
    const input = { ...example('run_status_changed'), from: 'completed', to: 'running' };
    expect(issuesOf(input)).toEqual([{ path: 'to', message: 'invalid status change: completed -> running' }]);
    expect(issuesOf({ ...input, from: 'running' })).toEqual([
      { path: 'to', message: 'invalid status change: running -> running' },
    ]);
  });

  it('the zod union rejects a disallowed status change too', () => {
    const input = { ...example('run_status_changed'), from: 'failed', to: 'running' };
    expect(ironflowEventSchema.safeParse(input).success).toBe(false);
    expect(eventSchemas.run_status_changed.safeParse(input).success).toBe(false);
  });
});
