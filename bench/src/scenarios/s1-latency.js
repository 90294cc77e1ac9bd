import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs } from '../lib/events.js';
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
      let start = 0;
      const pace = async (sent) => {
        if (sent === 0) start = nowMs();
        const wait = start + (sent * 1000) / s.rate - nowMs();
        if (wait > 0) await sleep(wait);
      };
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
