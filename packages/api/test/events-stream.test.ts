import { EVENT_KIND_NAMES, exampleEvents } from '@ironflow/engine';
import { describe, expect, it } from 'vitest';
import { ingestBulky, RUN_A, RUN_B, runCreated, SAMPLE_EVENTS } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { type TestServer, useTestServers } from './support/test-server.js';

const clients: SseClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

async function stream(srv: TestServer, query = '', headers: Record<string, string> = {}) {
  const client = await SseClient.open(`${srv.url}/api/v1/events${query}`, {
    authorization: `Bearer ${srv.token({ isAdmin: true })}`,
    ...headers,
  });
  clients.push(client);
  return client;
}

describe('GET /api/v1/events', () => {
  it('flushes the headers, a retry field and a comment before any event exists', async () => {
    const srv = await server();
    const client = await stream(srv);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream');
    expect(client.headers['cache-control']).toBe('no-cache');
    expect(client.headers['x-accel-buffering']).toBe('no');
    expect(client.headers['x-content-type-options']).toBe('nosniff');
    expect(client.headers['x-frame-options']).toBe('DENY');
    expect(client.headers['content-security-policy']).toContain("default-src 'self'");
    expect(client.headers['content-encoding']).toBeUndefined();
    await client.waitUntil(() => client.raw.length > 0, 'the preamble');
    expect(client.raw).toBe('retry: 3000\n\n: connected\n\n');
    expect(srv.log.bounds().headSeq).toBe(0);
  });

  it('delivers a published event with its cursor, event name and payload', async () => {
    const srv = await server();
    const client = await stream(srv);
    const response = await srv.ingest(runCreated(RUN_A, 'deploy'));
    expect(response.status).toBe(202);
    const { data } = (await response.json()) as { data: { first_id: string } };
    await client.waitForMessages(1);
    expect(client.messages[0]).toEqual({
      id: data.first_id,
      event: 'run_created',
      data: JSON.stringify(runCreated(RUN_A, 'deploy')),
    });
  });

  it('round-trips each of the 20 kinds byte-for-byte from ingest to the stream', async () => {
    const srv = await server();
    const client = await stream(srv);
    const response = await srv.ingest(SAMPLE_EVENTS);
    expect(response.status).toBe(202);
    await client.waitForMessages(SAMPLE_EVENTS.length);
    const frames = client.raw.split('\n\n').filter((block) => block.startsWith('id: '));
    expect(frames).toHaveLength(20);
    SAMPLE_EVENTS.forEach((event, index) => {
      expect(frames[index]).toMatch(
        new RegExp(`^id: [a-z0-9]+-\\d{16}\\nevent: ${event.type}\\ndata: (.*)$`, 's'),
      );
      // The same JSON, with U+2028/U+2029 written as escapes (docs/PROTOCOL.md §3).
      const json = JSON.stringify(event).replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
      expect(frames[index]?.split('\ndata: ')[1]).toBe(json);
    });
    // The sample log line carries a raw U+2028: it left the server escaped.
    expect(JSON.stringify(SAMPLE_EVENTS)).toContain('\u2028');
    expect(client.raw).not.toMatch(/[\u2028\u2029]/);
    expect(client.raw).toContain('\\u2028 end');
  });

  it('filters by run_id', async () => {
    const srv = await server();
    const client = await stream(srv, `?run_id=${RUN_B}`);
    await srv.ingest([runCreated(RUN_A, 'a1'), runCreated(RUN_B, 'b1'), runCreated(RUN_A, 'a2')]);
    await srv.ingest(runCreated(RUN_B, 'b2'));
    await client.waitForMessages(2);
    expect(client.messages.map((m) => JSON.parse(m.data).workflow_name)).toEqual(['b1', 'b2']);
  });

  it('accepts an upper-case run_id and matches the lower-case events', async () => {
    const srv = await server();
    const client = await stream(srv, `?run_id=${RUN_B.toUpperCase()}`);
    await srv.ingest([runCreated(RUN_A, 'a'), runCreated(RUN_B, 'b')]);
    await client.waitForMessages(1);
    expect(JSON.parse(client.messages[0]?.data ?? '').workflow_name).toBe('b');
  });

  it('filters by types, trimming items and ignoring empty ones', async () => {
    const srv = await server();
    const client = await stream(srv, '?types=%20approval_granted%20,,step_completed,');
    await srv.ingest(SAMPLE_EVENTS);
    await client.waitForMessages(2);
    await srv.ingest(runCreated(RUN_A, 'sentinel'));
    const last = await stream(srv, '?types=');
    await srv.ingest(runCreated(RUN_A, 'after'));
    await last.waitForMessages(1);
    expect(client.messages.map((m) => m.event)).toEqual(['step_completed', 'approval_granted']);
  });

  it('combines run_id and types', async () => {
    const srv = await server();
    const client = await stream(srv, `?run_id=${RUN_A}&types=approval_granted`);
    await srv.ingest([
      { type: 'approval_granted', run_id: RUN_B, approved_by: 'x' },
      runCreated(RUN_A),
      { type: 'approval_granted', run_id: RUN_A, approved_by: 'y' },
    ]);
    await client.waitForMessages(1);
    expect(JSON.parse(client.messages[0]?.data ?? '').approved_by).toBe('y');
  });

  it('sends two subscribers the same events in the same order', async () => {
    const srv = await server();
    const first = await stream(srv);
    const second = await stream(srv);
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 10 }, (_, i) => runCreated(RUN_A, `wf-${b}-${i}`)),
    );
    await Promise.all(batches.map((batch) => srv.ingest(batch)));
    await first.waitForMessages(200);
    await second.waitForMessages(200);
    expect(first.messages).toEqual(second.messages);
    const seqs = first.messages.map((m) => Number(m.id?.split('-')[1]));
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('sends a keep-alive comment after the configured silence', async () => {
    const srv = await server({ stream: { keepAliveMs: 150 } });
    // The hub's shared timer ticks once a second by default; the keep-alive follows within it.
    const client = await stream(srv);
    await client.waitUntil(() => client.raw.includes(': keep-alive\n\n'), 'a keep-alive', 3_000);
    expect(client.messages).toHaveLength(0);
  });

  it('answers 401 MISSING_TOKEN without credentials and 401 INVALID_TOKEN for a bad token', async () => {
    const srv = await server();
    const missing = await fetch(`${srv.url}/api/v1/events`);
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe(
      '{"error":{"code":"MISSING_TOKEN","message":"No authentication token provided"}}',
    );
    const bad = await fetch(`${srv.url}/api/v1/events`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toBe(
      '{"error":{"code":"INVALID_TOKEN","message":"Invalid or expired authentication token"}}',
    );
    expect(bad.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves the route at every spelling the router accepts, and 405 to other methods', async () => {
    const srv = await server();
    // The exact path is served ahead of the router; these reach the same route through it.
    for (const path of ['/api/v1/events/', '/API/v1/Events']) {
      const client = await SseClient.open(`${srv.url}${path}?run_id=${RUN_A}`, {
        authorization: `Bearer ${srv.token()}`,
      });
      clients.push(client);
      expect(client.status).toBe(200);
      await client.waitUntil(() => client.raw.includes(': connected'), 'the preamble');
    }
    const head = await fetch(`${srv.url}/api/v1/events`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${srv.token()}` },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/event-stream');
    const post = await fetch(`${srv.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${srv.token()}` },
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toContain('GET');
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    expect(srv.ironflow.hub.inspect().liveConnections).toBe(2);
  });

  it('authenticates before validating the query', async () => {
    const srv = await server();
    const response = await fetch(`${srv.url}/api/v1/events?types=nope`);
    expect(response.status).toBe(401);
  });

  it('accepts the ironflow_token cookie', async () => {
    const srv = await server();
    const client = await SseClient.open(`${srv.url}/api/v1/events`, {
      cookie: `ironflow_token=${srv.token()}`,
    });
    clients.push(client);
    expect(client.status).toBe(200);
  });

  it.each([
    ['?types=foo', 'unknown event kind: foo'],
    ['?types=run_created,%20bogus', 'unknown event kind: bogus'],
    ['?run_id=not-a-uuid', 'invalid run_id: not-a-uuid'],
    ['?run_id=a&run_id=b', 'run_id may be given only once'],
    ['?last_event_id=%%%', 'invalid cursor: %%%'],
    ['?last_event_id=abc', 'invalid cursor: abc'],
    [`?types=${'x'.repeat(300)}`, `unknown event kind: ${'x'.repeat(100)}… (300 characters)`],
    [`?run_id=${'r'.repeat(5000)}`, `invalid run_id: ${'r'.repeat(100)}… (5000 characters)`],
  ])('answers 400 BAD_REQUEST for %s', async (query, message) => {
    const srv = await server();
    const response = await fetch(`${srv.url}/api/v1/events${query}`, {
      headers: { authorization: `Bearer ${srv.token()}` },
    });
    expect(response.status).toBe(400);
    // An unknown kind keeps the exact message and lists the names `types` accepts in `details`.
    const details = message.startsWith('unknown event kind: ')
      ? [{ known_kinds: EVENT_KIND_NAMES }]
      : undefined;
    expect(await response.json()).toEqual({
      error: { code: 'BAD_REQUEST', message, ...(details === undefined ? {} : { details }) },
    });
  });

  it.each([
    '?types=provider_account.updated,provider_account.usage_updated',
    '?types=provider_account.updated%2Cprovider_account.usage_updated',
    '?types=secrets_rotated',
  ])('opens a stream for upstream dashboard kinds: %s', async (query) => {
    const srv = await server();
    const client = await stream(srv, query);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
    await srv.ingest([exampleEvents['provider_account.updated'], exampleEvents.run_created]);
    if (query.includes('provider_account')) {
      await client.waitForMessages(1);
      expect(client.messages[0]?.event).toBe('provider_account.updated');
    }
    // secrets_rotated matches nothing: a later kind it does not name never arrives on it.
    expect(client.messages.every((message) => message.event.startsWith('provider_account.'))).toBe(true);
  });

  it('closes a subscriber that stops reading while another receives everything', async () => {
    const srv = await server({ stream: { maxBufferedBytes: 64 * 1024 } });
    const fast = await stream(srv);
    const slow = await SseClient.open(`${srv.url}/api/v1/events`, {
      authorization: `Bearer ${srv.token()}`,
    });
    clients.push(slow);
    slow.pause();
    const total = 2000;
    await ingestBulky(srv, total);
    await fast.waitForMessages(total, 15_000);
    await slow.waitUntil(() => srv.ironflow.hub.inspect().connections === 1, 'the slow stream to be closed');
    const seqs = fast.messages.map((m) => Number(m.id?.split('-')[1]));
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('leaves nothing behind once every stream has closed', async () => {
    const srv = await server();
    const opened = [
      await stream(srv),
      await stream(srv, `?run_id=${RUN_A}`),
      await stream(srv, '?types=run_created,log_line'),
      await stream(srv, `?run_id=${RUN_B}&types=run_created`),
    ];
    expect(srv.ironflow.hub.inspect()).toMatchObject({ connections: 4, liveConnections: 4 });
    for (const client of opened) client.close();
    await opened[0]?.waitUntil(
      () => srv.ironflow.hub.inspect().connections === 0,
      'the hub to drop every stream',
    );
    expect(srv.ironflow.hub.inspect()).toEqual({
      connections: 0,
      releasing: 0,
      liveConnections: 0,
      users: 0,
      indexEntries: 0,
    });
  });
});
