import { fixedRate } from '../lib/round.js';
import { openClients } from '../lib/stream-clients.js';
import { broadcastRounds } from './s1-broadcast.js';

export default {
  id: 's1-latency',
  title: 'S1-latency',
  method: (s) =>
    `${s.clients} clients on everything; ${s.rate} events/s for ${s.seconds} s, one per request on a fixed schedule; publish-to-receive latency of every event at every client (publish time stamped in the event's labels, read on arrival; both clocks are this machine's).`,
  async run(target, s, ctx) {
    const server = await target.start();
    let clients;
    try {
      clients = await openClients(server, { count: s.clients, workers: ctx.workers });
      const events = s.rate * s.seconds;
      const pace = fixedRate(s.rate);
      const [, round] = await broadcastRounds(
        server,
        clients,
        s.clients,
        [
          { events: 100, batch: 1 },
          { events, batch: 1, pace },
        ],
        { latency: 1, timeoutMs: ctx.timeoutMs },
      );
      return [{ case: `${s.rate}/s × ${s.seconds} s`, ...round }];
    } finally {
      await clients?.close();
      await server.stop();
    }
  },
};
