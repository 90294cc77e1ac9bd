import { exampleEvents } from '@ironflow/engine';
import { formatCursor } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { RUN_A, RUN_B, runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { type TestServer, useTestServers } from './support/test-server.js';

// Streams replaying the same events share their encoded chunks (sse/replay-chunks.ts): what each
// receives must still be exactly what it may see, with its own filters.

const clients: SseClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

const signedIn = (userId: string) => ({ ...exampleEvents.user_signed_in, user_id: userId });
const seqOf = (cursor: string | undefined) => Number(cursor?.split('-')[1]);

async function resume(srv: TestServer, token: string, afterSeq: number, query = ''): Promise<SseClient> {
  const client = await SseClient.open(`${srv.url}/api/v1/events${query}`, {
    authorization: `Bearer ${token}`,
    'last-event-id': formatCursor(srv.log.epoch, afterSeq),
  });
  clients.push(client);
  return client;
}

/** Waits for `count` messages and for every open stream to have gone live. */
async function received(srv: TestServer, client: SseClient, count: number): Promise<number[]> {
  await client.waitForMessages(count);
  await client.waitUntil(
    () => srv.ironflow.hub.inspect().liveConnections === clients.length,
    'every replay to go live',
  );
  return client.messages.map((message) => seqOf(message.id));
}

describe('replays from the same cursor, one after another', () => {
  it('give each stream what it may see and asked for, whoever replayed first', async () => {
    const srv = await server();
    const me = crypto.randomUUID();
    const someoneElse = crypto.randomUUID();
    // seq 1 is the cursor; then 2-4 runs, 5 someone else's sign-in, 6 mine, 7-8 runs.
    await srv.log.append([runCreated(RUN_A)]);
    await srv.log.append([runCreated(RUN_A), runCreated(RUN_B), runCreated(RUN_A)]);
    await srv.log.append([signedIn(someoneElse), signedIn(me), runCreated(RUN_B), runCreated(RUN_A)]);

    const admin = await resume(srv, srv.token({ isAdmin: true }), 1);
    expect(await received(srv, admin, 7)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const mine = await resume(srv, srv.token({ userId: me }), 1);
    expect(await received(srv, mine, 6)).toEqual([2, 3, 4, 6, 7, 8]);
    const third = crypto.randomUUID();
    const theirs = await resume(srv, srv.token({ userId: third }), 1);
    expect(await received(srv, theirs, 5)).toEqual([2, 3, 4, 7, 8]);
    const fourth = await resume(srv, srv.token({ userId: crypto.randomUUID() }), 1);
    expect(await received(srv, fourth, 5)).toEqual([2, 3, 4, 7, 8]);
    const runB = await resume(srv, srv.token({ userId: third }), 1, `?run_id=${RUN_B}`);
    expect(await received(srv, runB, 2)).toEqual([3, 7]);
    const kinds = await resume(srv, srv.token({ isAdmin: true }), 1, '?types=user_signed_in');
    expect(await received(srv, kinds, 2)).toEqual([5, 6]);
    for (const client of [admin, mine, theirs, fourth, runB, kinds]) {
      expect(client.messages.map((message) => message.event)).not.toContain('gap');
    }
  });

  it('give a stream that comes after retention dropped the oldest a gap and what is left', async () => {
    const srv = await server({ historyLimit: 4 });
    await srv.log.append([runCreated(RUN_A), runCreated(RUN_A), runCreated(RUN_A)]);
    const first = await resume(srv, srv.token(), 1);
    expect(await received(srv, first, 2)).toEqual([2, 3]);
    await srv.log.append([runCreated(RUN_B), runCreated(RUN_B), runCreated(RUN_B)]);
    const second = await resume(srv, srv.token(), 1);
    await second.waitForMessages(5);
    expect(second.messages.map((message) => message.event)).toEqual([
      'gap',
      'run_created',
      'run_created',
      'run_created',
      'run_created',
    ]);
    expect(second.messages.slice(1).map((message) => seqOf(message.id))).toEqual([3, 4, 5, 6]);
  });
});
