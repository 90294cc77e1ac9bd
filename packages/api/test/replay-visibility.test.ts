import { exampleEvents } from '@ironflow/engine';
import { createMemoryEventLog, type EventLog } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { useTestServers } from './support/test-server.js';

const clients: SseClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

/** The memory log, counting every event its reads hand back. */
function countingLog(): { log: EventLog; eventsRead: () => number } {
  const log = createMemoryEventLog();
  let read = 0;
  const counted: EventLog = Object.create(log);
  counted.read = async (options) => {
    const page = await log.read(options);
    read += page.length;
    return page;
  };
  return { log: counted, eventsRead: () => read };
}

const signedIn = (userId: string) => ({ ...exampleEvents.user_signed_in, user_id: userId });

describe("a non-admin's replay of earliest", () => {
  it("reads what the user may see, not every other user's events", async () => {
    const { log, eventsRead } = countingLog();
    const srv = await server({ log });
    const me = crypto.randomUUID();
    await log.append([runCreated(crypto.randomUUID()), signedIn(me)]);
    for (let batch = 0; batch < 3; batch++) {
      await log.append(Array.from({ length: 1_000 }, () => signedIn(crypto.randomUUID())));
    }
    await log.append([runCreated(crypto.randomUUID()), signedIn(me)]);

    const before = eventsRead();
    const mine = await SseClient.open(`${srv.url}/api/v1/events?last_event_id=earliest`, {
      authorization: `Bearer ${srv.token({ userId: me })}`,
    });
    clients.push(mine);
    await mine.waitForMessages(4);
    await mine.waitUntil(() => srv.ironflow.hub.inspect().liveConnections === 1, 'the replay to go live');
    expect(mine.messages.map((message) => message.event)).toEqual([
      'run_created',
      'user_signed_in',
      'run_created',
      'user_signed_in',
    ]);
    expect(eventsRead() - before).toBe(4);

    // An admin sees, and reads, all of them.
    const admin = await SseClient.open(`${srv.url}/api/v1/events?last_event_id=earliest`, {
      authorization: `Bearer ${srv.token({ isAdmin: true })}`,
    });
    clients.push(admin);
    await admin.waitForMessages(3_004, 15_000);
    expect(eventsRead() - before).toBe(4 + 3_004);
  });
});
