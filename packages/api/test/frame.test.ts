import { EVENT_KINDS, exampleEvents } from '@ironflow/engine';
import { createMemoryEventLog } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { formatSseComment, formatSseMessage } from '../src/index.js';
import { eventFrame } from '../src/sse/event-frames.js';

describe('formatSseMessage', () => {
  it('frames id, event and data in order and ends with a blank line', () => {
    expect(formatSseMessage({ id: 'e-1', event: 'run_created', data: '{"a":1}' })).toBe(
      'id: e-1\nevent: run_created\ndata: {"a":1}\n\n',
    );
  });

  it('splits data on every newline form so a payload cannot end the message early', () => {
    expect(formatSseMessage({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(formatSseMessage({ data: '' })).toBe('data: \n\n');
  });

  it('writes the retry field', () => {
    expect(formatSseMessage({ retry: 3000 })).toBe('retry: 3000\n\n');
    expect(() => formatSseMessage({ retry: -1 })).toThrow(RangeError);
  });

  it.each(['a\nb', 'a\rb', 'a\r\nb'])('refuses a line break in id or event (%j)', (value) => {
    expect(() => formatSseMessage({ id: value })).toThrow(TypeError);
    expect(() => formatSseMessage({ event: value })).toThrow(TypeError);
  });

  it('refuses NUL in an id, which browsers would drop', () => {
    expect(() => formatSseMessage({ id: 'a\0b' })).toThrow(TypeError);
  });
});

describe('formatSseComment', () => {
  it('prefixes every line with a colon', () => {
    expect(formatSseComment('keep-alive')).toBe(': keep-alive\n\n');
    expect(formatSseComment('a\nb')).toBe(': a\n: b\n\n');
  });
});

describe('eventFrame', () => {
  it('writes exactly what formatSseMessage would, for every kind (strings with line breaks included)', async () => {
    const log = createMemoryEventLog();
    const stored = await log.append(EVENT_KINDS.map((kind) => exampleEvents[kind]));
    for (const entry of stored) {
      const expected = formatSseMessage({ id: entry.cursor, event: entry.event.type, data: entry.json });
      expect(eventFrame(entry).toString()).toBe(expected);
    }
    // The examples do carry line breaks and U+2028 inside strings: JSON escapes the line breaks.
    expect(stored.some((entry) => entry.json.includes('\\n'))).toBe(true);
  });
});
