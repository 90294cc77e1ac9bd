import { createMemoryEventLog } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { createHub } from '../src/index.js';
import { FLUSH_AT_ONCE_EVENTS } from '../src/sse/live-fan-out.js';
import { RUN_A, runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { useTestServers } from './support/test-server.js';

const clients: SseClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

/** A server holding frames for a minute after a flush, and a stream that has had its first event. */
async function streamAfterFirstEvent() {
  const srv = await server({ stream: { flushIntervalMs: 60_000 } });
  const client = await SseClient.open(`${srv.url}/api/v1/events`, {
    authorization: `Bearer ${srv.token()}`,
  });
  clients.push(client);
  await client.waitUntil(() => client.raw.includes(': connected'), 'the preamble');
  expect((await srv.ingest(runCreated(RUN_A, 'first'))).status).toBe(202);
  await client.waitForMessages(1);
  return { srv, client };
}

describe('writing streams under load (flushIntervalMs)', () => {
  it('writes the first event after a quiet spell at once, holds what follows for the interval, and flushes it on close', async () => {
    const { srv, client } = await streamAfterFirstEvent();
    // Within the interval: acknowledged and routed, but not written yet.
    for (const name of ['second', 'third'])
      expect((await srv.ingest(runCreated(RUN_A, name))).status).toBe(202);
    expect(client.messages).toHaveLength(1);

    // Shutdown writes what was held before ending the stream.
    await srv.ironflow.close();
    await client.waitForEnd();
    expect(client.messages.map((message) => JSON.parse(message.data).workflow_name)).toEqual([
      'first',
      'second',
      'third',
    ]);
  });

  it('writes a window at once when it holds a burst of events, without waiting out the interval', async () => {
    const { srv, client } = await streamAfterFirstEvent();
    for (let round = 0; round < 3; round += 1) {
      const before = client.messages.length;
      // Within the interval of the last flush: two events are held…
      expect(
        (await srv.ingest([runCreated(RUN_A, `a${round}`), runCreated(RUN_A, `b${round}`)])).status,
      ).toBe(202);
      expect(client.messages).toHaveLength(before);
      // …until the window holds a burst, which is written at once, the held events first.
      const burst = Array.from({ length: FLUSH_AT_ONCE_EVENTS - 2 }, (_, index) =>
        runCreated(RUN_A, `burst${round}-${index}`),
      );
      expect((await srv.ingest(burst)).status).toBe(202);
      await client.waitForMessages(before + FLUSH_AT_ONCE_EVENTS);
      const names = client.messages.slice(before).map((message) => JSON.parse(message.data).workflow_name);
      expect(names.slice(0, 3)).toEqual([`a${round}`, `b${round}`, `burst${round}-0`]);
      expect(names).toHaveLength(FLUSH_AT_ONCE_EVENTS);
    }
  });

  it('takes 0 (every batch written by itself) and refuses a negative or fractional interval', () => {
    const log = createMemoryEventLog();
    void createHub({ log, flushIntervalMs: 0 }).close();
    expect(() => createHub({ log, flushIntervalMs: -1 })).toThrow(
      'hub option flushIntervalMs must be an integer of 0 or more, got -1',
    );
    expect(() => createHub({ log, flushIntervalMs: 2.5 })).toThrow(/flushIntervalMs/);
  });
});
