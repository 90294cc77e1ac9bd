import { startTcpFaultProxy, type TcpFaultProxy } from '@ironflow/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngestClient, type IngestAnswer } from '../src/index.js';
import { RUN_A } from './support/sample-events.js';
import { type StreamServer, startStreamServer, WORKER_TOKEN } from './support/stream-server.js';

const EVENTS = 10_000;
const PER_CALL = 10;

let srv: StreamServer | undefined;
let proxy: TcpFaultProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  await srv?.close();
});

describe('createIngestClient while the network resets its connections', () => {
  it(`stores each of ${EVENTS} events exactly once through random connection resets`, async () => {
    srv = await startStreamServer({ historyLimit: 3 * EVENTS });
    proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: srv.port });
    const ingest = createIngestClient({
      url: proxy.via(srv.url),
      credential: WORKER_TOKEN,
      maxBatchEvents: 50, // 200 requests at least, so the resets land on many of them
      retry: { maxAttempts: 50, initialDelayMs: 5, maxDelayMs: 50 },
    });

    // Resets every open connection at random moments, mid-request or mid-answer, until publishing ends.
    let publishing = true;
    let resets = 0;
    const chaos = (async () => {
      for (let round = 0; publishing && round < 100_000; round += 1) {
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 20));
        if (proxy?.connections) {
          proxy.dropAll();
          resets += 1;
        }
      }
    })();

    const calls: Promise<IngestAnswer>[] = [];
    for (let call = 0; call < EVENTS / PER_CALL; call += 1) {
      const events = Array.from({ length: PER_CALL }, (_, n) => ({
        type: 'run_created' as const,
        run_id: RUN_A,
        workflow_name: `wf-${call * PER_CALL + n}`,
      }));
      calls.push(ingest.publish(events));
    }
    const answers = await Promise.all(calls);
    publishing = false;
    await chaos;

    expect(answers.reduce((sum, answer) => sum + answer.accepted, 0)).toBe(EVENTS);
    expect(resets).toBeGreaterThan(10);
    const stored = await srv.log.read({ afterSeq: 0, limit: 3 * EVENTS });
    const counts = new Map<string, number>();
    for (const { event } of stored) {
      const name = (event as { workflow_name: string }).workflow_name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    // Exactly once: a reset that lands after the server stored a batch but before its answer arrives
    // makes the client resend the batch, with the same Idempotency-Key (one per batch, kept across its
    // retries); the server answers the resend from what it remembered and stores nothing again.
    expect(counts.size).toBe(EVENTS);
    expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
    expect(stored.length).toBe(EVENTS);
    // In call order: one request in flight at a time, and a retry resends the same batch.
    const names = stored.map(({ event }) => (event as { workflow_name: string }).workflow_name);
    expect(names).toEqual(Array.from({ length: EVENTS }, (_, n) => `wf-${n}`));
    console.info(`ingest chaos: ${resets} resets, ${stored.length} stored, each once`);
  }, 120_000);
});
