import { describe, expect, it } from 'vitest';
import {
  EVENT_KINDS,
  type IronflowEvent,
  isUserEvent,
  RUN_EVENT_KINDS,
  runIdOf,
  stepIdOf,
  userIdOf,
  validateEvent,
} from '../src/index.js';
import { example, RUN_ID, STEP_ID, USER_ID } from './fixtures.js';

// docs/PROTOCOL.md §2: the run is `run_id` for the 13 run-scoped kinds; the step is a non-null `step_id`; the user
// is `user_id` for the user_* kinds only. Written out independently of the implementation.
const EXPECTED: Record<string, { run: string | null; step: string | null; user: string | null }> = {
  run_created: { run: RUN_ID, step: null, user: null },
  run_status_changed: { run: RUN_ID, step: null, user: null },
  run_failed: { run: RUN_ID, step: null, user: null },
  run_budget_exceeded: { run: RUN_ID, step: null, user: null },
  step_completed: { run: RUN_ID, step: STEP_ID, user: null },
  step_failed: { run: RUN_ID, step: STEP_ID, user: null },
  approval_requested: { run: RUN_ID, step: STEP_ID, user: null },
  approval_granted: { run: RUN_ID, step: STEP_ID, user: null },
  approval_rejected: { run: RUN_ID, step: null, user: null },
  approval_escalated: { run: RUN_ID, step: STEP_ID, user: null },
  log_line: { run: RUN_ID, step: STEP_ID, user: null },
  user_signed_in: { run: null, step: null, user: USER_ID },
  user_signed_up: { run: null, step: null, user: USER_ID },
  user_signed_out: { run: null, step: null, user: USER_ID },
  retry_forced: { run: RUN_ID, step: null, user: null },
  'provider_account.updated': { run: null, step: null, user: null },
  'provider_account.usage_updated': { run: null, step: null, user: null },
  signal_awaited: { run: RUN_ID, step: STEP_ID, user: null },
  signal_received: { run: null, step: null, user: null },
  schedule_occurrences_missed: { run: null, step: null, user: null },
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
    expect(stepIdOf(event)).toBe(expected?.step);
    expect(userIdOf(event)).toBe(expected?.user);
    expect(isUserEvent(event)).toBe(expected?.user !== null);
  });

  it('has 13 run-scoped kinds', () => {
    expect(RUN_EVENT_KINDS).toHaveLength(13);
    expect(RUN_EVENT_KINDS).toEqual(EVENT_KINDS.filter((kind) => EXPECTED[kind]?.run !== null));
  });

  it('narrows the type with isUserEvent', () => {
    const event = eventOf('user_signed_out');
    if (isUserEvent(event)) expect(event.user_id).toBe(USER_ID);
    else expect.fail('user_signed_out is a user event');
  });
});
