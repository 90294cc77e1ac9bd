import { runIds } from '../lib/events.js';
import { deliveryRound, publishSequence } from '../lib/round.js';
import { openClients } from '../lib/stream-clients.js';

export default {
  id: 's2',
  title: 'S2 filtered',
  method: (s) =>
    `${s.clients} clients, each on its own run_id; warm-up ${s.clients} events, then ${s.events} events round-robin over the runs in batches of 100; each client checks its run's sequence. Events routed/s = events / (first publish → last client has its last event).`,
  async run(target, s, ctx) {
    const server = await target.start();
    let clients;
    try {
      const runs = runIds(s.clients);
      clients = await openClients(server, {
        count: s.clients,
        workers: ctx.workers,
        filterOf: (i) => ({ runId: runs[i] }),
      });
      const runOf = (seq) => runs[(seq - 1) % runs.length];
      let next = 1;
      const round = (events) => {
        const first = next;
        next += events;
        return deliveryRound({
          server,
          clients,
          // Client i watches run i: seqs first+i, first+i+R, …
          expectOf: (i) => ({ first: first + i, stride: runs.length, count: events / runs.length }),
          latency: 16,
          timeoutMs: ctx.timeoutMs,
          deliveries: events,
          publish: () =>
            publishSequence(server, { first, count: events, batch: 100, runOf, channelOf: (e) => e.run_id }),
        });
      };
      await round(runs.length);
      return [{ case: 'batched ×100', ...(await round(s.events)) }];
    } finally {
      await clients?.close();
      await server.stop();
    }
  },
};
