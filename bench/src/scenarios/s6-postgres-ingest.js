import pg from 'pg';
import { nowMs, runIds, statusEvent } from '../lib/events.js';
import { sample } from '../lib/proc-stats.js';
import { correctness, percentiles } from '../lib/round.js';
import { openClients } from '../lib/stream-clients.js';
import { databaseUrl, dropSchema, ownName, workerPublisher } from '../targets/ironflow-postgres.js';

const SCHEMA = ownName('ironflow_bench_s6');

/**
 * S6: PostgreSQL ingest under concurrent producers. Runs against the PostgreSQL targets only
 * (main.js picks them): each case starts instance A on a fresh schema, optionally `listeners`
 * more instances on the same schema (each LISTENs and tails every commit), opens one client per
 * producer on the last instance (on its producer's run, so it checks that run's order), and lets
 * `producers` HTTP producers post `batch`-event requests into A, one in flight each.
 */
export default {
  id: 's6',
  title: 'S6 PostgreSQL ingest',
  postgresOnly: true,
  method: (s) =>
    `${s.producers} concurrent producers, each its own connection and run, one request in flight each, post ${s.requests} requests of batches of 10, then of 100 (${s.requests / 10} requests), into instance A; with 0 and with ${s.listeners} other instances on the same schema (each LISTENs and tails every commit). Events/s = events / (first post → the client on the last instance has every event of its producer's run, in order); commits/s = distinct transactions (xmin) in the table / the same time.`,
  async run(target, s, ctx) {
    const rows = [];
    for (const listeners of [0, s.listeners]) {
      for (const [batch, requests] of [
        [10, s.requests],
        [100, s.requests / 10],
      ]) {
        rows.push({
          case: `batch ${batch}, ${listeners === 0 ? 'alone' : `${listeners} listening`}`,
          ...(await ingestCase(target, { ...s, batch, requests, listeners }, ctx)),
        });
      }
    }
    return rows;
  },
};

async function ingestCase(target, { producers, batch, requests, listeners }, ctx) {
  const servers = [];
  const publishers = [];
  let clients;
  const admin = new pg.Client({ connectionString: databaseUrl() });
  try {
    servers.push(await target.start({ schema: SCHEMA, fresh: true }));
    for (let i = 0; i < listeners; i++) servers.push(await target.start({ schema: SCHEMA }));
    const a = servers[0];
    const watched = servers.at(-1);
    const runs = runIds(producers);
    const perProducer = batch * requests;
    clients = await openClients(watched, {
      count: producers,
      workers: 1,
      filterOf: (i) => ({ runId: runs[i] }),
    });
    // Producer p publishes seqs p·n+1 … (p+1)·n on run p, in order.
    await clients.expect((i) => ({ first: i * perProducer + 1, stride: 1, count: perProducer }), {
      latency: 4,
    });
    for (let p = 0; p < producers; p++) publishers.push(workerPublisher(a));
    const pids = servers.flatMap((server) => server.pids());
    const s0 = sample(pids);
    const c0 = clients.cpu();
    const start = nowMs();
    await Promise.all(
      publishers.map(async (publisher, p) => {
        for (let r = 0; r < requests; r++) {
          const t = nowMs();
          const events = [];
          for (let k = 0; k < batch; k++)
            events.push(statusEvent(p * perProducer + r * batch + k + 1, runs[p], t));
          await publisher.publish(events);
        }
      }),
    );
    const acceptedAt = nowMs();
    const doneAt = await clients.waitDone(ctx.timeoutMs);
    const s1 = sample(pids);
    const report = await clients.report();
    await admin.connect();
    const { rows } = await admin.query(
      // Rows of one transaction share its xmin: distinct xmins are commits. (Not the commit time:
      // clock_timestamp() is too coarse on some machines to tell commits apart.)
      `SELECT count(*)::int AS events, count(DISTINCT xmin::text)::int AS commits,
              (max(seq) - min(seq) + 1)::int AS span FROM "${SCHEMA}".ironflow_events`,
    );
    const { events, commits, span } = rows[0];
    const total = producers * perProducer;
    const seconds = ((doneAt ?? nowMs()) - start) / 1000;
    const check = correctness(report);
    // The table holds every event once, with consecutive seqs.
    if (events !== total || span !== total) {
      check.ok = false;
      check.failures += 1;
      check.firstFailure ??= `table has ${events} events over ${span} seqs, expected ${total}`;
    }
    return {
      deliveries: total,
      seconds,
      acceptSeconds: (acceptedAt - start) / 1000,
      deliveriesPerSec: doneAt === null ? 0 : total / seconds,
      commits,
      commitsPerSec: doneAt === null ? 0 : commits / seconds,
      serverCpu: s1.cpu - s0.cpu,
      clientCpu: clients.cpu() - c0,
      serverRssMiB: s1.rss / 2 ** 20,
      timedOut: doneAt === null,
      latency: percentiles(report.latencies),
      check,
    };
  } finally {
    for (const publisher of publishers) publisher.close();
    await clients?.close();
    for (const server of servers.reverse()) await server.stop();
    await admin.end().catch(() => {});
    await dropSchema(SCHEMA);
  }
}
