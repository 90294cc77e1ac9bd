import { describe, expect, it } from 'vitest';
import {
  createInProcessNotifier,
  EVENT_KINDS,
  InvalidEventError,
  InvalidStatusChangeError,
  type IronflowEvent,
  publishRunStatusChange,
  type RunStatusChange,
  serializeEvent,
} from '../src/index.js';
import { RUN_ID } from './fixtures.js';

const CHANGE: RunStatusChange = {
  run_id: RUN_ID.toUpperCase(),
  workflow_name: 'deploy-prod',
  from: 'running',
  to: 'failed',
  error: 'step build exited with code 2',
  cost_usd: 1.25,
  duration_ms: 98_000,
  labels: { env: 'prod' },
  at: '2026-01-02T05:06:00.5+02:00',
};

function recorder() {
  const publisher = createInProcessNotifier();
  const seen: IronflowEvent[] = [];
  publisher.subscribe(EVENT_KINDS, (event) => {
    seen.push(event);
  });
  return { publisher, seen };
}

describe('publishRunStatusChange', () => {
  it('publishes run_status_changed then run_failed with the same fields for a change to failed', async () => {
    const { publisher, seen } = recorder();
    const published = publishRunStatusChange(publisher, CHANGE);
    await publisher.idle();
    expect(seen).toEqual(published);
    expect(seen.map(serializeEvent)).toEqual([
      `{"type":"run_status_changed","run_id":"${RUN_ID}","workflow_name":"deploy-prod","from":"running","to":"failed","error":"step build exited with code 2","cost_usd":1.25,"duration_ms":98000,"labels":{"env":"prod"},"at":"2026-01-02T03:06:00.5Z"}`,
      `{"type":"run_failed","run_id":"${RUN_ID}","workflow_name":"deploy-prod","error":"step build exited with code 2","cost_usd":1.25,"duration_ms":98000,"labels":{"env":"prod"},"at":"2026-01-02T03:06:00.5Z"}`,
    ]);
    expect(seen.map((event) => JSON.stringify(event))).toEqual(seen.map(serializeEvent));
  });

  it('publishes only run_status_changed for other changes, with defaults', async () => {
    const { publisher, seen } = recorder();
    publishRunStatusChange(
      publisher,
      { run_id: RUN_ID, workflow_name: 'w', from: 'pending', to: 'running', cost_usd: 0, duration_ms: 0 },
      { now: () => new Date('2026-01-02T03:04:05.000Z') },
    );
    await publisher.idle();
    expect(seen).toEqual([
      {
        type: 'run_status_changed',
        run_id: RUN_ID,
        workflow_name: 'w',
        from: 'pending',
        to: 'running',
        error: null,
        cost_usd: 0,
        duration_ms: 0,
        labels: {},
        at: '2026-01-02T03:04:05.000Z',
      },
    ]);
  });

  it('throws a clear error and publishes nothing for a forbidden change', async () => {
    const { publisher, seen } = recorder();
    expect(() => publishRunStatusChange(publisher, { ...CHANGE, from: 'completed', to: 'failed' })).toThrow(
      new InvalidStatusChangeError('completed', 'failed'),
    );
    expect(() =>
      publishRunStatusChange(publisher, { ...CHANGE, from: 'completed', to: 'failed' }),
    ).toThrowError('invalid status change: completed -> failed');
    expect(() => publishRunStatusChange(publisher, { ...CHANGE, cost_usd: -1 })).toThrow(InvalidEventError);
    try {
      publishRunStatusChange(publisher, { ...CHANGE, run_id: 'nope', cost_usd: -1 });
    } catch (error) {
      expect(error).toMatchObject({
        code: 'INVALID_EVENT',
        details: [{ path: 'run_id' }, { path: 'cost_usd' }],
      });
    }
    await publisher.idle();
    expect(seen).toEqual([]);
  });

  it('does not share the labels object between the two events', () => {
    const events: IronflowEvent[] = [];
    const [changed, failed] = publishRunStatusChange({ publish: (event) => events.push(event) }, CHANGE);
    expect(events).toEqual([changed, failed]);
    expect(failed?.labels).toEqual(changed.labels);
    expect(failed?.labels).not.toBe(changed.labels);
  });
});
