import { fork } from 'node:child_process';
import { once } from 'node:events';
import { sample } from '../lib/proc-stats.js';
import { percentiles } from '../lib/round.js';

const WORKER = new URL('../lib/open-rate-worker.js', import.meta.url);

/**
 * S9: how fast streams open. Fresh TCP connections (no keep-alive), each request authenticated
 * with its own JWT (a different user each), timed until the first byte of the stream's body;
 * then the client closes, so the server also pays for each stream's end.
 */
export default {
  id: 's9',
  title: 'S9 stream opens',
  // Nchan verifies no JWT without an auth subrequest to another server (not the same work);
  // the JWT-verifying node:http server is the reference.
  targets: (name) => name.startsWith('ironflow') || name === 'node:http + JWT',
  method: (s) =>
    `${s.opens} stream opens, ${s.concurrency} in flight over ${s.workers} client processes; each on a fresh connection with its own access token (HS256, a distinct user), done at the first byte of the body, then closed. Opens/s = opens / (first connect → last first byte); latency = connect → first byte.`,
  async run(target, s) {
    const server = await target.start();
    const children = [];
    try {
      const path = server.path({});
      // One warm-up pass (JIT, pools), then the measured one.
      for (const [label, count] of [
        ['warm-up', Math.min(200, s.opens)],
        ['measured', s.opens],
      ]) {
        const tokens = Array.from({ length: count }, (_, i) => server.headers(i).authorization.slice(7));
        const shares = Array.from({ length: s.workers }, (_, w) =>
          tokens.filter((_, i) => i % s.workers === w),
        );
        const s0 = sample(server.pids());
        const replies = await Promise.all(
          shares.map(async (share) => {
            const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
            children.push(child);
            child.send({
              port: server.port,
              path,
              tokens: share,
              concurrency: Math.ceil(s.concurrency / s.workers),
            });
            const [reply] = await Promise.race([
              once(child, 'message'),
              once(child, 'exit').then(() => {
                throw new Error('S9 client process exited');
              }),
            ]);
            child.kill();
            return reply;
          }),
        );
        const s1 = sample(server.pids());
        if (label === 'warm-up') continue;
        const start = Math.min(...replies.map((r) => r.start));
        const end = Math.max(...replies.map((r) => r.end));
        const opens = replies.reduce((n, r) => n + r.opens, 0);
        const failures = replies.reduce((n, r) => n + r.failures, 0);
        const seconds = (end - start) / 1000;
        return [
          {
            case: `${s.concurrency} in flight`,
            deliveries: opens,
            seconds,
            deliveriesPerSec: opens / seconds,
            serverCpu: s1.cpu - s0.cpu,
            serverRssMiB: s1.rss / 2 ** 20,
            latency: percentiles(replies.flatMap((r) => r.latencies)),
            check: {
              ok: failures === 0 && opens === count,
              clients: count,
              received: opens,
              lost: 0,
              duplicates: 0,
              incomplete: count - opens - failures,
              failures,
              firstFailure: replies.find((r) => r.firstFailure)?.firstFailure ?? null,
            },
          },
        ];
      }
      return [];
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill();
      await server.stop();
    }
  },
};
