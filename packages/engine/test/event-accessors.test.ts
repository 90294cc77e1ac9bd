import { describe, expect, it } from 'vitest';
import {
  EVENT_KINDS,
  type IronflowEvent,
  isUserEvent,
  runIdOf,
  userIdOf,
  validateEvent,
} from '../src/index.js';
import { example, RUN_ID, USER_ID } from './fixtures.js';

// SPEC §2: the run is `run_id` for every kind but the three user_* kinds; the user is `user_id` for those only.
const EXPECTED: Record<string, { run: string | null; user: string | null }> = {
  run_created: { run: RUN_ID, user: null },
  run_status_changed: { run: RUN_ID, user: null },
  run_failed: { run: RUN_ID, user: null },
  step_completed: { run: RUN_ID, user: null },
  step_failed: { run: RUN_ID, user: null },
  approval_requested: { run: RUN_ID, user: null },
  approval_granted: { run: RUN_ID, user: null },
  approval_rejected: { run: RUN_ID, user: null },
  log_line: { run: RUN_ID, user: null },
  user_signed_in: { run: null, user: USER_ID },
  user_signed_up: { run: null, user: USER_ID },
  user_signed_out: { run: null, user: USER_ID },
};

function eventOf(kind: (typeof EVENT_KINDS)[number]): IronflowEvent {
  const result = validateEvent(example(kind));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}

describe('accessors', () => {
  it('covers every kind', () => {
    expect(Object.keys(EXPECTED)).toEqual(EVENT_KINDS);
  });

  it.each(EVENT_KINDS)('%s', (kind) => {
    const event = eventOf(kind);
    const expected = EXPECTED[kind];
    expect(runIdOf(event)).toBe(expected?.run);
    expect(userIdOf(event)).toBe(expected?.user);
    expect(isUserEvent(event)).toBe(expected?.user !== null);
  });

  it('narrows the type with isUserEvent', () => {
    const event = eventOf('user_signed_out');
    if (isUserEvent(event)) expect(event.user_id).toBe(USER_ID);
    else expect.fail('user_signed_out is a user event');
  });
});
