import { runIds } from '../lib/events.js';
import { deliveryRound, fixedRate, publishSequence } from '../lib/round.js';
import { openClients } from '../lib/stream-clients.js';
import { dropSchema, ownName } from '../targets/ironflow-postgres.js';

const SCHEMA = ownName('ironflow_bench_s7');

/**
 * S7: cross-instance delivery on PostgreSQL. Instances A and B share a fresh schema; the clients
 * are on B, the events go into A at a fixed rate, so every delivery crosses the database: A's
 * commit, its NOTIFY, B's tail read, B's fan-out.
 */
export default {
  id: 's7',
  title: 'S7 cross-instance latency',
  postgresOnly: true,
  method: (s) =>
    `Two instances on one PostgreSQL schema; ${s.clients} clients on everything on B; ${s.rate} events/s into A for ${s.seconds} s, in requests of ${s.batch} every ${(1000 * s.batch) / s.rate} ms on a fixed schedule (one in flight); publish→receive latency of every event at every client on B (the publish time is stamped when the request is built; both clocks are this machine's).`,
  async run(target, s, ctx) {
    const a = await target.start({ schema: SCHEMA, fresh: true });
    let b;
    let clients;
    try {
      b = await target.start({ schema: SCHEMA });
      clients = await openClients(b, { count: s.clients, workers: ctx.workers });
      const [run] = runIds(1);
      const events = s.rate * s.seconds;
      const pace = fixedRate(s.rate);
      const round = (first, count, paced) =>
        deliveryRound({
          server: { pids: () => [...a.pids(), ...b.pids()] },
          clients,
          expectOf: () => ({ first, stride: 1, count }),
          latency: 1,
          timeoutMs: ctx.timeoutMs,
          deliveries: count * s.clients,
          publish: () =>
            publishSequence(a, {
              first,
              count,
              batch: s.batch,
              runOf: () => run,
              channelOf: () => 'all',
              pace: paced ? pace : undefined,
            }),
        });
      await round(1, 100, false);
      return [{ case: `${s.rate}/s × ${s.seconds} s`, ...(await round(101, events, true)) }];
    } finally {
      await clients?.close();
      await b?.stop();
      await a.stop();
      await dropSchema(SCHEMA);
    }
  },
};
