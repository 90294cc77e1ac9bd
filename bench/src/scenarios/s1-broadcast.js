import { SAMPLE_RUN } from '../lib/events.js';
import { deliveryRound, publishSequence } from '../lib/round.js';
import { openClients } from '../lib/stream-clients.js';

/** Runs successive delivery rounds to every client on everything, numbering events across rounds. */
export async function broadcastRounds(server, clients, count, rounds, { latency = 16, timeoutMs }) {
  let next = 1;
  const results = [];
  for (const { events, batch, pace } of rounds) {
    const first = next;
    next += events;
    results.push(
      await deliveryRound({
        server,
        clients,
        expectOf: () => ({ first, stride: 1, count: events }),
        latency,
        timeoutMs,
        deliveries: events * count,
        publish: () =>
          publishSequence(server, {
            first,
            count: events,
            batch,
            runOf: () => SAMPLE_RUN,
            channelOf: () => 'all',
            pace,
          }),
      }),
    );
  }
  return results;
}

export default {
  id: 's1',
  title: 'S1 broadcast',
  method: (s) =>
    `${s.clients} clients on everything; warm-up ${s.warmup} events, then ${s.events} run_status_changed events (~320 B) in batches of 100, then ${s.singleEvents} one per request; one request in flight; deliveries/s = clients × events / (first publish → last client has its last event). Latency sampled on every 16th event.`,
  async run(target, s, ctx) {
    const server = await target.start();
    let clients;
    try {
      clients = await openClients(server, { count: s.clients, workers: ctx.workers });
      const [, batched, single] = await broadcastRounds(
        server,
        clients,
        s.clients,
        [
          { events: s.warmup, batch: 100 },
          { events: s.events, batch: 100 },
          { events: s.singleEvents, batch: 1 },
        ],
        { timeoutMs: ctx.timeoutMs },
      );
      return [
        { case: 'batched ×100', ...batched },
        { case: 'one per request', ...single },
      ];
    } finally {
      await clients?.close();
      await server.stop();
    }
  },
};
