import { SAMPLE_RUN } from '../lib/events.js';
import { deliveryRound, publishSequence } from '../lib/round.js';
import { openClients } from '../lib/stream-clients.js';

export default {
  id: 's5',
  title: 'S5 ingest',
  method: (s) =>
    `One client on everything (to check order); ${s.events} events in batches of 100, then ${s.singleEvents} one per request, one request in flight. Events/s = events / (first publish → the client has the last one): ironflow validates and appends each to its log; the peers have no store and only fan out.`,
  async run(target, s, ctx) {
    const server = await target.start();
    let clients;
    try {
      clients = await openClients(server, { count: 1, workers: 1 });
      let next = 1;
      const round = (events, batch) => {
        const first = next;
        next += events;
        return deliveryRound({
          server,
          clients,
          expectOf: () => ({ first, stride: 1, count: events }),
          timeoutMs: ctx.timeoutMs,
          deliveries: events,
          publish: () =>
            publishSequence(server, {
              first,
              count: events,
              batch,
              runOf: () => SAMPLE_RUN,
              channelOf: () => 'all',
            }),
        });
      };
      await round(1000, 100);
      const batched = await round(s.events, 100);
      const single = await round(s.singleEvents, 1);
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
