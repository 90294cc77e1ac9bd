import { setTimeout as sleep } from 'node:timers/promises';
import { SAMPLE_RUN } from '../lib/events.js';
import { rssBytes } from '../lib/proc-stats.js';
import { deliveryRound, publishSequence } from '../lib/round.js';
import { openClients } from '../lib/stream-clients.js';

const rssOf = (server) => server.pids().reduce((sum, pid) => sum + rssBytes(pid), 0);

export default {
  id: 's3',
  title: 'S3 idle',
  method: (s) =>
    `A fresh server per level (${s.levels.join(' and ')} idle streams on everything). Server RSS after a full GC (SIGUSR2 → gc() in Node servers; nginx has no GC) before and after opening the streams and letting them settle (2 s); per connection = difference / streams. Then 10 events check every stream still delivers.`,
  async run(target, s, ctx) {
    const rows = [];
    for (const level of s.levels) {
      const server = await target.start();
      let clients;
      try {
        await server.gc();
        const before = rssOf(server);
        clients = await openClients(server, { count: level, workers: ctx.workers });
        await sleep(ctx.settleMs);
        await server.gc();
        const after = rssOf(server);
        const check = await deliveryRound({
          server,
          clients,
          expectOf: () => ({ first: 1, stride: 1, count: 10 }),
          timeoutMs: ctx.timeoutMs,
          deliveries: 10 * level,
          publish: () =>
            publishSequence(server, {
              first: 1,
              count: 10,
              batch: 10,
              runOf: () => SAMPLE_RUN,
              channelOf: () => 'all',
            }),
        });
        rows.push({
          case: `${level} streams`,
          kibPerConnection: (after - before) / level / 1024,
          serverRssMiB: after / 2 ** 20,
          baselineRssMiB: before / 2 ** 20,
          check: check.check,
        });
      } finally {
        await clients?.close();
        await server.stop();
      }
    }
    return rows;
  },
};
