import { describe, expect, it } from 'vitest';
import {
  EVENT_KINDS,
  isEventKind,
  parseEventKind,
  parseEventKindList,
  printEventKind,
  UnknownEventKindError,
} from '../src/index.js';

const SPEC_KINDS = [
  'run_created',
  'run_status_changed',
  'run_failed',
  'step_completed',
  'step_failed',
  'approval_requested',
  'approval_granted',
  'approval_rejected',
  'log_line',
  'user_signed_in',
  'user_signed_up',
  'user_signed_out',
];

describe('event kinds', () => {
  it('lists the 12 SPEC kinds in SPEC order', () => {
    expect(EVENT_KINDS).toEqual(SPEC_KINDS);
    expect(Object.isFrozen(EVENT_KINDS)).toBe(true);
  });

  it('parses and prints every kind as its exact type string', () => {
    for (const text of SPEC_KINDS) {
      expect(isEventKind(text)).toBe(true);
      expect(printEventKind(parseEventKind(text))).toBe(text);
    }
  });

  it.each(['', 'Run_Created', ' run_created', 'run-created', 'constructor', '__proto__', 'toString'])(
    'rejects %j with the exact SPEC message',
    (text) => {
      expect(isEventKind(text)).toBe(false);
      expect(() => parseEventKind(text)).toThrow(new UnknownEventKindError(text));
      expect(() => parseEventKind(text)).toThrowError(`unknown event kind: ${text}`);
    },
  );

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
