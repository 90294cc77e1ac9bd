import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs, SAMPLE_RUN } from '../lib/events.js';
import { sample } from '../lib/proc-stats.js';
import { correctness, percentiles, publishSequence } from '../lib/round.js';
import { openClients } from '../lib/stream-clients.js';

export default {
  id: 's4',
  title: 'S4 resume storm',
  method: (s) => resumeStormMethod(s),
  run: (target, s, ctx) => resumeStorm(target, s, ctx),
};

/** S4's method, also S8's (the same storm, more clients, fewer events behind). */
export function resumeStormMethod(s) {
  return `${s.clients} clients on everything receive 10 events, all drop; ${s.behind} events are published while they are away; all reconnect at once with Last-Event-ID (their last cursor) while ${s.live} more events are published live (batches of 10). Time = reconnect start → last client has all ${s.behind + s.live}; every client checks no loss, no duplicate, in order across the seam.`;
}

/** Every client drops, events are published meanwhile, all reconnect at once with their cursor. */
export async function resumeStorm(target, s, ctx) {
  const server = await target.start();
  let clients;
  try {
    clients = await openClients(server, { count: s.clients, workers: ctx.workers, trackIds: true });
    const publish = (first, count, batch) =>
      publishSequence(server, { first, count, batch, runOf: () => SAMPLE_RUN, channelOf: () => 'all' });
    await clients.expect(() => ({ first: 1, stride: 1, count: 10 }));
    await publish(1, 10, 10);
    if ((await clients.waitDone(ctx.timeoutMs)) === null) throw new Error('warm-up events not delivered');
    await clients.drop();
    await sleep(1_000);
    await publish(11, s.behind, 100);
    await clients.extend(s.behind + s.live);
    const s0 = sample(server.pids());
    const c0 = clients.cpu();
    const start = nowMs();
    const reconnected = clients.reconnect();
    await publish(11 + s.behind, s.live, 10);
    const failed = await reconnected;
    const doneAt = await clients.waitDone(ctx.timeoutMs);
    const s1 = sample(server.pids());
    const report = await clients.report();
    const seconds = ((doneAt ?? nowMs()) - start) / 1000;
    return [
      {
        case: `${s.behind} behind + ${s.live} live`,
        seconds,
        timedOut: doneAt === null,
        deliveries: s.clients * (s.behind + s.live),
        deliveriesPerSec: doneAt === null ? 0 : (s.clients * (s.behind + s.live)) / seconds,
        serverCpu: s1.cpu - s0.cpu,
        clientCpu: clients.cpu() - c0,
        serverRssMiB: s1.rss / 2 ** 20,
        latency: percentiles(report.latencies),
        check: correctness(report, failed),
      },
    ];
  } finally {
    await clients?.close();
    await server.stop();
  }
}
