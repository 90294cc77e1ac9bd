import { openClients } from '../lib/stream-clients.js';
import { ironflowWorkers } from '../targets/ironflow-workers.js';
import { broadcastRounds } from './s1-broadcast.js';

/**
 * S1 batched on the built server on PostgreSQL, `ironflow serve` against `serve --workers 2`, in
 * the same run: what a second core buys. The clients' connections are spread over the workers
 * by the primary (round-robin); the events are ingested through one connection (one worker) and
 * reach the other worker's streams through the PostgreSQL log.
 */
export default {
  id: 's1-workers',
  title: 'S1 batched, 2 workers vs 1 (PostgreSQL)',
  ownTargets: [ironflowWorkers(1), ironflowWorkers(2)],
  method: (s) =>
    `As S1 batched on PostgreSQL: ${s.clients} clients on everything; warm-up ${s.warmup} events, then ${s.events} events in batches of 100, one request in flight; deliveries/s = clients × events / (first publish → last client has its last event). Server CPU counts the primary and every worker.`,
  async run(target, s, ctx) {
    const server = await target.start();
    let clients;
    try {
      clients = await openClients(server, { count: s.clients, workers: ctx.workers });
      const [, batched] = await broadcastRounds(
        server,
        clients,
        s.clients,
        [
          { events: s.warmup, batch: 100 },
          { events: s.events, batch: 100 },
        ],
        { timeoutMs: ctx.timeoutMs },
      );
      return [{ case: 'batched ×100', ...batched }];
    } finally {
      await clients?.close();
      await server.stop();
    }
  },
};
