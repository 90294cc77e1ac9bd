import { describe, expect, it } from 'vitest';
import { type IronflowEvent, serializeEvent, validateEvent } from '../src/index.js';
import { RUN_ID } from './fixtures.js';

const created = {
  type: 'run_created',
  run_id: RUN_ID,
  workflow_name: 'deploy',
  at: '2026-01-02T03:04:05.000Z',
};

describe('serializeEvent: the one-call path and the field-by-field path agree', () => {
  it('writes a validated event exactly as JSON.stringify does', () => {
    const result = validateEvent(created);
    if (!result.ok) throw new Error('fixture invalid');
    expect(serializeEvent(result.event)).toBe(JSON.stringify(result.event));
  });

  it('writes an undefined known field as null, not leaving it out', () => {
    const event = { ...created, workflow_name: undefined } as unknown as IronflowEvent;
    expect(serializeEvent(event)).toBe(
      `{"type":"run_created","run_id":"${RUN_ID}","workflow_name":null,"at":"2026-01-02T03:04:05.000Z"}`,
    );
  });

  it('never calls a toJSON inherited from a class instance', () => {
    class Loud {
      type = 'run_created';
      run_id = RUN_ID;
      workflow_name = 'deploy';
      at = '2026-01-02T03:04:05.000Z';
      toJSON() {
        return { replaced: true };
      }
    }
    expect(serializeEvent(new Loud() as unknown as IronflowEvent)).toBe(JSON.stringify(created));
  });

  it('puts the known fields first in their order, then unknown ones as given', () => {
    const event = { at: created.at, extra: 1, workflow_name: 'deploy', run_id: RUN_ID, type: 'run_created' };
    expect(serializeEvent(event as unknown as IronflowEvent)).toBe(
      `${JSON.stringify(created).slice(0, -1)},"extra":1}`,
    );
  });
});
