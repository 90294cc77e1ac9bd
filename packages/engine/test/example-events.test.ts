import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, exampleEvents, serializeEvent, validateEvent } from '../src/index.js';

describe('exampleEvents', () => {
  it('holds one event of each kind, under its own kind', () => {
    expect(Object.keys(exampleEvents)).toEqual([...EVENT_KINDS]);
    for (const kind of EVENT_KINDS) expect(exampleEvents[kind].type).toBe(kind);
  });

  it.each(EVENT_KINDS)('%s is canonical: it validates to itself and serialises to its own JSON', (kind) => {
    const example = exampleEvents[kind];
    const result = validateEvent(JSON.parse(JSON.stringify(example)));
    expect(result).toEqual({ ok: true, event: example });
    expect(serializeEvent(example)).toBe(JSON.stringify(example));
  });
});
