import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { backoffDelay, buildStreamUrl, InvalidClientOptionError, subscribe } from '../src/index.js';
import { FakeEventSource } from './support/fake-event-source.js';

const onEvent = () => {};

describe('buildStreamUrl', () => {
  it('appends the stream path to the base, keeping a path prefix', () => {
    expect(buildStreamUrl('https://ironflow.example.com')).toBe('https://ironflow.example.com/api/v1/events');
    expect(buildStreamUrl('https://example.com/ironflow//')).toBe(
      'https://example.com/ironflow/api/v1/events',
    );
    expect(buildStreamUrl('')).toBe('/api/v1/events');
  });

  it('encodes run_id, types as a comma list, and last_event_id', () => {
    const url = buildStreamUrl('http://h', {
      runId: 'r-1',
      types: ['run_failed', 'step_failed', 'run_failed'],
      lastEventId: 'earliest',
    });
    const query = new URL(url).searchParams;
    expect(query.get('run_id')).toBe('r-1');
    expect(query.get('types')).toBe('run_failed,step_failed');
    expect(query.get('last_event_id')).toBe('earliest');
    expect(buildStreamUrl('http://h', { runId: null, types: [], lastEventId: null })).toBe(
      'http://h/api/v1/events',
    );
  });

  it('refuses an unknown kind and a base with a query', () => {
    expect(() => buildStreamUrl('http://h', { types: ['run_creatd' as never] })).toThrow(
      'unknown event kind: run_creatd',
    );
    expect(() => buildStreamUrl('http://h/?x=1')).toThrow(InvalidClientOptionError);
  });
});

describe('backoffDelay', () => {
  const settings = { initialDelayMs: 1_000, maxDelayMs: 30_000 };
  it('doubles the ceiling per attempt up to the maximum, drawing between half and all of it', () => {
    expect(backoffDelay(0, settings, () => 0)).toBe(500);
    expect(backoffDelay(0, settings, () => 1)).toBe(1_000);
    expect(backoffDelay(3, settings, () => 1)).toBe(8_000);
    expect(backoffDelay(10, settings, () => 0)).toBe(15_000);
    expect(backoffDelay(5_000, settings, () => 1)).toBe(30_000);
  });
});

describe('subscribe options', () => {
  it('needs an EventSource (Node 20 has none)', () => {
    expect(typeof globalThis.EventSource).toBe('undefined');
    expect(() => subscribe({ url: 'http://h' }, { onEvent })).toThrow(/no EventSource/);
  });

  it('refuses a token with an EventSource that cannot send headers', () => {
    expect(() =>
      subscribe({ url: 'http://h', token: 't', EventSource: FakeEventSource }, { onEvent }),
    ).toThrow(/custom fetch/);
  });

  it('checks kinds, ids and the backoff before connecting', () => {
    const base = { url: 'http://h', EventSource };
    expect(() => subscribe({ ...base, types: ['nope' as never] }, { onEvent })).toThrow(
      'unknown event kind: nope',
    );
    expect(() => subscribe({ ...base, runId: '' }, { onEvent })).toThrow(/runId/);
    expect(() => subscribe({ ...base, token: '' }, { onEvent })).toThrow(/token/);
    expect(() => subscribe({ ...base, reconnect: { initialDelayMs: 0 } }, { onEvent })).toThrow(
      /initialDelayMs/,
    );
    expect(() =>
      subscribe({ ...base, reconnect: { initialDelayMs: 10, maxDelayMs: 5 } }, { onEvent }),
    ).toThrow(/maxDelayMs/);
  });
});
