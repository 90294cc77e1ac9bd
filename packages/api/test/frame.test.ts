import { EVENT_KINDS, exampleEvents } from '@ironflow/engine';
import { createMemoryEventLog } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { formatSseComment, formatSseMessage } from '../src/index.js';
import { escapeLineSeparators, eventFrame } from '../src/sse/event-frames.js';

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
      const data = escapeLineSeparators(entry.json);
      const expected = formatSseMessage({ id: entry.cursor, event: entry.event.type, data });
      expect(eventFrame(entry).toString()).toBe(expected);
    }
    // The examples do carry line breaks and U+2028 inside strings: JSON escapes the line breaks.
    expect(stored.some((entry) => entry.json.includes('\\n'))).toBe(true);
  });
});

describe('U+2028 and U+2029 in data:', () => {
  it('are escaped as \\u2028 and \\u2029, byte for byte, and the data still parses to the same event', async () => {
    const log = createMemoryEventLog();
    const [entry] = await log.append([{ ...exampleEvents.log_line, line: 'a\u2028b\u2029c\u2028' }]);
    if (entry === undefined) throw new Error('nothing appended');
    const frame = eventFrame(entry);
    const data = frame.toString().split('\n')[2] ?? '';
    expect(data).toContain('"line":"a\\u2028b\\u2029c\\u2028"');
    // Neither separator's UTF-8 bytes (E2 80 A8, E2 80 A9) is on the wire.
    expect(frame.includes(Buffer.from('\u2028'))).toBe(false);
    expect(frame.includes(Buffer.from('\u2029'))).toBe(false);
    expect(JSON.parse(data.slice('data: '.length))).toEqual(JSON.parse(entry.json));
    expect(frame.toString()).toBe(
      `id: ${entry.cursor}\nevent: log_line\ndata: ${entry.json.replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029')}\n\n`,
    );
  });

  it('leaves JSON without them as it is', () => {
    expect(escapeLineSeparators('{"a":"\\u2028 plain"}')).toBe('{"a":"\\u2028 plain"}');
  });
});
