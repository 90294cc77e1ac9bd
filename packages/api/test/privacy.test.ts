import { describe, expect, it } from 'vitest';
import { RUN_A, runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { type TestServer, useTestServers } from './support/test-server.js';

// docs/PROTOCOL.md §3: the three user_* kinds go only to admins and to the user they concern.

const ADMIN = '0193a1f2-0000-7000-8000-00000000000a';
const ALICE = '0193a1f2-0000-7000-8000-0000000000a1';
const BOB = '0193a1f2-0000-7000-8000-0000000000b0';
const CAROL = '0193a1f2-0000-7000-8000-0000000000c0';
const AT = '2025-01-02T03:04:05Z';

const clients: SseClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

async function stream(srv: TestServer, token: string, query = '', headers: Record<string, string> = {}) {
  const client = await SseClient.open(`${srv.url}/api/v1/events${query}`, {
    authorization: `Bearer ${token}`,
    ...headers,
  });
  expect(client.status).toBe(200);
  clients.push(client);
  return client;
}

const USER_EVENTS = [
  { type: 'user_signed_up', user_id: ALICE, username: 'alice', at: AT },
  { type: 'user_signed_in', user_id: BOB, username: 'bob', at: AT },
  { type: 'user_signed_out', user_id: CAROL, at: AT },
  { type: 'user_signed_in', user_id: ALICE, username: 'alice', at: AT },
];
// The log's order is every stream's order: once a stream has the sentinel, appended last, it has
// had its chance at everything before it, so what it lacks it will never get.
const SENTINEL = runCreated(RUN_A, 'sentinel');

/** What a stream saw, as `type:user` (or `type` for run events). */
function seen(client: SseClient): string[] {
  return client.messages.map((message) => {
    const event = JSON.parse(message.data) as { type: string; user_id?: string };
    expect(message.event).toBe(event.type);
    return event.user_id === undefined ? event.type : `${event.type}:${event.user_id}`;
  });
}

const untilSentinel = (client: SseClient) =>
  client.waitUntil(
    () => client.messages.some((message) => message.data.includes('"sentinel"')),
    'the sentinel',
  );

const EXPECTED = {
  admin: [
    `user_signed_up:${ALICE}`,
    `user_signed_in:${BOB}`,
    `user_signed_out:${CAROL}`,
    `user_signed_in:${ALICE}`,
    'run_created',
  ],
  alice: [`user_signed_up:${ALICE}`, `user_signed_in:${ALICE}`, 'run_created'],
  bob: [`user_signed_in:${BOB}`, 'run_created'],
  dave: ['run_created'],
};

async function ingestAll(srv: TestServer): Promise<void> {
  const response = await srv.ingest([...USER_EVENTS, SENTINEL]);
  expect(response.status).toBe(202);
}

function tokensFor(srv: TestServer) {
  return {
    admin: srv.token({ userId: ADMIN, username: 'root', isAdmin: true }),
    alice: srv.token({ userId: ALICE, username: 'alice' }),
    bob: srv.token({ userId: BOB, username: 'bob' }),
    // A user with no user events of their own.
    dave: srv.token({ username: 'dave' }),
  };
}

describe('who receives user events', () => {
  it('live: admins get every user event, a user only their own, others none', async () => {
    const srv = await server();
    const tokens = tokensFor(srv);
    const streams = {
      admin: await stream(srv, tokens.admin),
      alice: await stream(srv, tokens.alice),
      bob: await stream(srv, tokens.bob),
      dave: await stream(srv, tokens.dave),
    };
    await ingestAll(srv);
    for (const [who, client] of Object.entries(streams)) {
      await untilSentinel(client);
      expect(seen(client), who).toEqual(EXPECTED[who as keyof typeof EXPECTED]);
    }
  });

  it('replay from earliest: the same rule applies to history', async () => {
    const srv = await server();
    await ingestAll(srv);
    const tokens = tokensFor(srv);
    for (const who of ['admin', 'alice', 'bob', 'dave'] as const) {
      const client = await stream(srv, tokens[who], '?last_event_id=earliest');
      await untilSentinel(client);
      expect(seen(client), who).toEqual(EXPECTED[who]);
    }
  });

  it('resuming mid-log with Last-Event-ID and filtering by user kinds does not widen what a user sees', async () => {
    const srv = await server();
    const response = await srv.ingest([...USER_EVENTS, SENTINEL]);
    const { first_id } = ((await response.json()) as { data: { first_id: string } }).data;
    const tokens = tokensFor(srv);
    const resumed = await stream(srv, tokens.alice, '', { 'last-event-id': first_id });
    await untilSentinel(resumed);
    expect(seen(resumed)).toEqual([`user_signed_in:${ALICE}`, 'run_created']);

    const filtered = await stream(
      srv,
      tokens.bob,
      '?last_event_id=earliest&types=user_signed_up,user_signed_in,user_signed_out,run_created',
    );
    await untilSentinel(filtered);
    expect(seen(filtered)).toEqual(EXPECTED.bob);
  });
});

describe('user events from the auth routes', () => {
  const post = (srv: TestServer, path: string, body: unknown) =>
    fetch(`${srv.url}/api/v1/auth/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  async function signUp(srv: TestServer, username: string) {
    const response = await post(srv, 'sign-up', {
      email: `${username}@example.com`,
      username,
      password: `${username} password`,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { data: { user: { id: string }; access_token: string } }).data;
  }

  it('reach the admin and the user concerned, live and in replay, and nobody else', async () => {
    const srv = await server();
    const ada = await signUp(srv, 'ada'); // first user: admin
    const bob = await signUp(srv, 'bob');
    const adaLive = await stream(srv, ada.access_token);
    const bobLive = await stream(srv, bob.access_token);

    const carol = await signUp(srv, 'carol');
    expect((await post(srv, 'sign-in', { username: 'carol', password: 'carol password' })).status).toBe(200);
    expect((await post(srv, 'sign-in', { username: 'bob', password: 'bob password' })).status).toBe(200);
    expect((await srv.ingest(SENTINEL)).status).toBe(202);

    await untilSentinel(adaLive);
    expect(seen(adaLive)).toEqual([
      `user_signed_up:${carol.user.id}`,
      `user_signed_in:${carol.user.id}`,
      `user_signed_in:${bob.user.id}`,
      'run_created',
    ]);
    await untilSentinel(bobLive);
    expect(seen(bobLive)).toEqual([`user_signed_in:${bob.user.id}`, 'run_created']);

    const bobReplay = await stream(srv, bob.access_token, '?last_event_id=earliest');
    await untilSentinel(bobReplay);
    expect(seen(bobReplay)).toEqual([
      `user_signed_up:${bob.user.id}`,
      `user_signed_in:${bob.user.id}`,
      'run_created',
    ]);
    const carolReplay = await stream(srv, carol.access_token, '?last_event_id=earliest');
    await untilSentinel(carolReplay);
    expect(seen(carolReplay)).toEqual([
      `user_signed_up:${carol.user.id}`,
      `user_signed_in:${carol.user.id}`,
      'run_created',
    ]);
    const adaReplay = await stream(srv, ada.access_token, '?last_event_id=earliest');
    await untilSentinel(adaReplay);
    expect(seen(adaReplay)).toHaveLength(6);
  });
});
