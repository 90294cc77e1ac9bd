// `pnpm soak [--faults] …`: runs a soak from the command line, prints its report as JSON on
// stdout and a summary on stderr, and exits 1 if anything was lost, doubled, out of order or
// leaked. The options are described in soak.ts (the plain soak) and fault-soak.ts (--faults).
import { runFaultSoak } from './fault-soak.js';
import { runSoak, type SoakOptions } from './soak.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? undefined : process.argv[at + 1];
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a number, got ${value}`);
  return parsed;
}

if (process.argv.includes('--faults')) {
  const report = await runFaultSoak({
    durationMs: flag('duration', 120) * 1000,
    instances: flag('instances', 2),
    subscribers: flag('subscribers', 200),
    publishers: flag('publishers', 4),
    dropEveryMs: flag('drop-every', 3) * 1000,
    killEveryMs: flag('kill-every', 20) * 1000,
    log: (line) => console.error(`[soak --faults] ${line}`),
  });
  console.log(JSON.stringify({ ...report, node: process.version }, null, 2));
  console.error(
    `[soak --faults] ${report.instances} instances, ${report.drops} connection drops, ${report.kills} SIGKILLs, ${report.eventsAcknowledged} events acknowledged (${report.eventsCommitted} committed), ${report.deliveries} deliveries, ${report.reconnects} reconnects: lost ${report.lost} (acknowledged ${report.lostAcknowledged}), duplicated ${report.duplicated}, out of order ${report.outOfOrder}, gaps ${report.gaps}`,
  );
  const ok =
    report.lost === 0 &&
    report.duplicated === 0 &&
    report.outOfOrder === 0 &&
    report.gaps === 0 &&
    report.mismatchedSubscribers === 0;
  process.exit(ok ? 0 : 1);
} else {
  const options: SoakOptions = {
    durationMs: flag('duration', 60) * 1000,
    subscribers: flag('subscribers', 1000),
    publishers: flag('publishers', 4),
    slowReaders: flag('slow', 10),
    seed: flag('seed', 1),
    historyLimit: flag('history', 20_000),
    pauseMs: flag('pause', 15),
    slowBulkBytes: flag('slow-bulk', 64) * 2 ** 20,
    log: (line) => console.error(`[soak] ${line}`),
  };
  const started = Date.now();
  const report = await runSoak(options);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  console.log(JSON.stringify({ ...report, wallMs: Date.now() - started, node: process.version }, null, 2));
  console.error(
    `[soak] ${report.subscribers} subscribers, ${report.eventsPublished} events (${report.bulkEvents} bulk), ${report.deliveries} deliveries, ${report.reconnects} reconnects (${report.slowCloses} slow closes in ${report.stallRounds} stall rounds), lost ${report.lost}, duplicated ${report.duplicated}, out of order ${report.outOfOrder}, gaps ${report.gaps}; heap ${mib(report.heapBefore)} → ${mib(report.heapAfter)}; RSS ${mib(report.rssBefore)}, peak ${mib(report.rssPeak)}, after ${mib(report.rssAfter)}`,
  );
  const ok =
    report.lost === 0 &&
    report.duplicated === 0 &&
    report.outOfOrder === 0 &&
    report.gaps === 0 &&
    report.mismatchedSubscribers === 0 &&
    report.heapAfter <= report.heapBefore * 1.1;
  process.exit(ok ? 0 : 1);
}
