import { setTimeout as sleep } from 'node:timers/promises';
import { nowMs, statusEvent } from './events.js';
import { sample } from './proc-stats.js';

/** p50/p99/p99.9 of latency samples in ms (null when there are none). */
export function percentiles(samples) {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), samples: sorted.length };
}

/** Verdict on a client report: every client got its whole sequence, in order, once. */
export function correctness(report, openFailures = 0) {
  const ok =
    report.lost === 0 &&
    report.duplicates === 0 &&
    report.incomplete === 0 &&
    report.failures === 0 &&
    openFailures === 0;
  return {
    ok,
    clients: report.clients,
    received: report.received,
    lost: report.lost,
    duplicates: report.duplicates,
    incomplete: report.incomplete,
    failures: report.failures + openFailures,
    firstFailure: report.firstFailure,
  };
}

/**
 * A `pace` for {@link publishSequence}: event `sent` goes out `sent / rate` seconds after the
 * first of its sequence (a fixed schedule, not a fixed gap, so a slow request does not shift the
 * ones after it).
 */
export function fixedRate(rate) {
  let start = 0;
  return async (sent) => {
    if (sent === 0) start = nowMs();
    const wait = start + (sent * 1000) / rate - nowMs();
    if (wait > 0) await sleep(wait);
  };
}

/**
 * Publishes `count` events with seq first…first+count-1, `batch` per request, one request in
 * flight. `runOf(seq)` picks each event's run; `channelOf` is for servers with channels (Nchan).
 * Each event's publish time is stamped when its batch is built, just before it is sent.
 */
export async function publishSequence(server, { first, count, batch, runOf, channelOf, pace }) {
  for (let sent = 0; sent < count; sent += batch) {
    if (pace) await pace(sent);
    const t = nowMs();
    const events = [];
    for (let k = sent; k < Math.min(count, sent + batch); k++)
      events.push(statusEvent(first + k, runOf(first + k), t));
    await server.publish(events, channelOf);
  }
}

/**
 * One measured round: sets the clients' expectations, publishes, waits (bounded) until every
 * client has everything, and returns throughput, CPU of server and clients, server RSS,
 * latency percentiles and the correctness verdict.
 */
export async function deliveryRound({
  server,
  clients,
  expectOf,
  latency = 0,
  timeoutMs,
  publish,
  deliveries,
}) {
  await clients.expect(expectOf, { latency });
  const s0 = sample(server.pids());
  const c0 = clients.cpu();
  const start = nowMs();
  await publish();
  const published = nowMs();
  const doneAt = await clients.waitDone(timeoutMs);
  const end = doneAt ?? nowMs();
  const s1 = sample(server.pids());
  const c1 = clients.cpu();
  const report = await clients.report();
  const seconds = (end - start) / 1000;
  return {
    deliveries,
    seconds,
    publishSeconds: (published - start) / 1000,
    deliveriesPerSec: doneAt === null ? 0 : deliveries / seconds,
    serverCpu: s1.cpu - s0.cpu,
    clientCpu: c1 - c0,
    serverRssMiB: s1.rss / 2 ** 20,
    timedOut: doneAt === null,
    latency: percentiles(report.latencies),
    check: correctness(report),
  };
}
