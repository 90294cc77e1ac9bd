import { createMemoryEventLog } from '@ironflow/store';
import { describe, expect, it } from 'vitest';
import { createHub } from '../src/index.js';
import { RUN_A, runCreated } from './support/sample-events.js';
import { SseClient } from './support/sse-client.js';
import { useTestServers } from './support/test-server.js';

const clients: SseClient[] = [];
const server = useTestServers(() => {
  for (const client of clients.splice(0)) client.close();
});

describe('writing streams under load (flushIntervalMs)', () => {
  it('writes the first event after a quiet spell at once, holds what follows for the interval, and flushes it on close', async () => {
    const srv = await server({ stream: { flushIntervalMs: 60_000 } });
    const client = await SseClient.open(`${srv.url}/api/v1/events`, {
      authorization: `Bearer ${srv.token()}`,
    });
    clients.push(client);
    await client.waitUntil(() => client.raw.includes(': connected'), 'the preamble');

    expect((await srv.ingest(runCreated(RUN_A, 'first'))).status).toBe(202);
    await client.waitForMessages(1);
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

  it('takes 0 (every batch written by itself) and refuses a negative or fractional interval', () => {
    const log = createMemoryEventLog();
    void createHub({ log, flushIntervalMs: 0 }).close();
    expect(() => createHub({ log, flushIntervalMs: -1 })).toThrow(
      'hub option flushIntervalMs must be an integer of 0 or more, got -1',
    );
    expect(() => createHub({ log, flushIntervalMs: 2.5 })).toThrow(/flushIntervalMs/);
  });
});
