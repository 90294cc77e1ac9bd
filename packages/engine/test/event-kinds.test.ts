import { describe, expect, it } from 'vitest';
import {
  AUDIT_ONLY_EVENT_KINDS,
  EVENT_KIND_NAMES,
  EVENT_KINDS,
  isEventKind,
  parseEventKind,
  parseEventKindList,
  printEventKind,
  UnknownEventKindError,
} from '../src/index.js';

const PROTOCOL_KINDS = [
  'run_created',
  'run_status_changed',
  'run_failed',
  'run_budget_exceeded',
  'step_completed',
  'step_failed',
  'approval_requested',
  'approval_granted',
  'approval_rejected',
  'approval_escalated',
  'log_line',
  'user_signed_in',
  'user_signed_up',
  'user_signed_out',
  'retry_forced',
  'provider_account.updated',
  'provider_account.usage_updated',
  'signal_awaited',
  'signal_received',
  'schedule_occurrences_missed',
];

describe('event kinds', () => {
  it("lists the 20 streamed kinds in upstream's ALL order", () => {
    expect(EVENT_KINDS).toEqual(PROTOCOL_KINDS);
    expect(Object.isFrozen(EVENT_KINDS)).toBe(true);
  });

  it('parses and prints every kind as its exact type string', () => {
    for (const text of PROTOCOL_KINDS) {
      expect(isEventKind(text)).toBe(true);
      expect(printEventKind(parseEventKind(text))).toBe(text);
    }
  });

  it.each(['', 'Run_Created', ' run_created', 'run-created', 'constructor', '__proto__', 'toString'])(
    'rejects %j with the exact docs/PROTOCOL.md message',
    (text) => {
      expect(isEventKind(text)).toBe(false);
      expect(() => parseEventKind(text)).toThrow(new UnknownEventKindError(text, EVENT_KINDS));
      expect(() => parseEventKind(text)).toThrowError(`unknown event kind: ${text}`);
    },
  );

  it('lists the known kinds beside the exact message', () => {
    const error = new UnknownEventKindError('foo', EVENT_KINDS);
    expect(error.message).toBe('unknown event kind: foo');
    expect(error.details).toEqual({ known_kinds: EVENT_KINDS });
    expect(() => parseEventKindList('run_created,foo')).toThrow(
      expect.objectContaining({ message: 'unknown event kind: foo', knownKinds: EVENT_KIND_NAMES }),
    );
  });

  it('accepts secrets_rotated in lists only: it is never streamed', () => {
    expect(AUDIT_ONLY_EVENT_KINDS).toEqual(['secrets_rotated']);
    expect(EVENT_KIND_NAMES).toEqual([...PROTOCOL_KINDS, 'secrets_rotated']);
    expect(isEventKind('secrets_rotated')).toBe(false);
    expect(() => parseEventKind('secrets_rotated')).toThrowError('unknown event kind: secrets_rotated');
    expect(parseEventKindList('secrets_rotated')).toEqual(['secrets_rotated']);
    expect(parseEventKindList('provider_account.updated,provider_account.usage_updated')).toEqual([
      'provider_account.updated',
      'provider_account.usage_updated',
    ]);
  });

  it('gives the error a stable code and a client-safe status', () => {
    const error = (() => {
      try {
        parseEventKind('foo');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UnknownEventKindError);
    expect(error).toMatchObject({ code: 'UNKNOWN_EVENT_KIND', status: 400, expose: true, value: 'foo' });
    expect((error as Error).message).toBe('unknown event kind: foo');
  });

  it('rejects non-strings in isEventKind', () => {
    for (const value of [undefined, null, 1, {}, ['run_created']]) expect(isEventKind(value)).toBe(false);
  });
});

describe('parseEventKindList', () => {
  it.each([
    ['', []],
    [',', []],
    [' , ,', []],
    ['run_created', ['run_created']],
    ['run_created,step_failed', ['run_created', 'step_failed']],
    [' run_created , step_failed ,,log_line,', ['run_created', 'step_failed', 'log_line']],
    ['log_line,log_line', ['log_line']],
  ])('parses %j', (text, kinds) => {
    expect(parseEventKindList(text)).toEqual(kinds);
  });

  it('throws on the first unknown item, trimmed', () => {
    expect(() => parseEventKindList('run_created, foo ,bar')).toThrowError(/^unknown event kind: foo$/);
  });
});
