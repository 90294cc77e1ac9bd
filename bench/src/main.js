// `pnpm bench [--quick] [--runs N] [--scenarios s1,s2] [--targets ironflow,nchan]`
// Runs every scenario against ironflow and each peer in this one invocation, prints the tables,
// writes results/<mode>.json, results/<mode>.md and results/<mode>-chart.svg, and exits 1 when
// any client saw loss, a duplicate or disorder (except a peer's documented by-design loss).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { evaluateGoals } from './lib/goals.js';
import { median, renderTables } from './lib/report.js';
import { resultChart } from './lib/result-chart.js';
import s1 from './scenarios/s1-broadcast.js';
import s1Latency from './scenarios/s1-latency.js';
import s1Workers from './scenarios/s1-workers.js';
import s2 from './scenarios/s2-filtered.js';
import s3 from './scenarios/s3-idle.js';
import s4 from './scenarios/s4-resume.js';
import s5 from './scenarios/s5-ingest.js';
import s6 from './scenarios/s6-postgres-ingest.js';
import s7 from './scenarios/s7-cross-instance.js';
import s8 from './scenarios/s8-reconnect-storm.js';
import s9 from './scenarios/s9-stream-opens.js';
import { ironflow, ironflowWith } from './targets/ironflow.js';
import { ironflowPostgres, ironflowPostgresWith } from './targets/ironflow-postgres.js';
import { nchan } from './targets/nchan.js';
import { betterSse, koaPort, nodeCeiling, nodeJwt } from './targets/node-peer.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    scenarios: { type: 'string' },
    targets: { type: 'string' },
    // `before=DIR,after=DIR`: run ironflow once per @ironflow/api build instead of once.
    'compare-api': { type: 'string' },
    // `before=DIR`: the PostgreSQL scenarios also run with @ironflow/store from DIR (S6's baseline).
    'compare-store': { type: 'string' },
    // `before=DIR`, DIR holding engine/, store/ and api/ builds: every ironflow target also runs
    // with those packages (the state at the start of the work), under the label's name.
    'compare-build': { type: 'string' },
    // results/<out>.{json,md}, -chart.svg (default: full or quick); merge parts with merge-results.js.
    out: { type: 'string' },
  },
});
const mode = args.quick ? 'quick' : 'full';
const outName = args.out ?? mode;

// Full sizes follow the issue, except the event counts of S1 and S2 (see BENCHMARKS.md): on this
// shared 2-core machine 20M deliveries per target per run would not fit a 15-minute run.
const SIZES = {
  quick: {
    s1: { clients: 50, warmup: 100, events: 1_000, singleEvents: 100 },
    's1-latency': { clients: 50, rate: 50, seconds: 1 },
    s2: { clients: 100, events: 1_000 },
    s3: { levels: [200, 400] },
    s4: { clients: 50, behind: 1_000, live: 100 },
    s5: { events: 1_000, singleEvents: 100 },
    s6: { producers: 4, requests: 20, listeners: 1 },
    s7: { clients: 20, rate: 100, seconds: 1, batch: 10 },
    s8: { clients: 200, behind: 100, live: 20 },
    s9: { opens: 200, concurrency: 8, workers: 1 },
    's1-workers': { clients: 50, warmup: 100, events: 1_000 },
  },
  full: {
    s1: { clients: 1_000, warmup: 500, events: 5_000, singleEvents: 1_000 },
    's1-latency': { clients: 1_000, rate: 50, seconds: 10 },
    s2: { clients: 2_000, events: 20_000 },
    // 18,000, not the issue's 19,000: the server caps its streams at its file limit minus 10%
    // (20,000 here, and the hard limit cannot be raised), so 19,000 would be refused with 503s.
    s3: { levels: [10_000, 18_000] },
    s4: { clients: 1_000, behind: 1_000, live: 100 },
    s5: { events: 20_000, singleEvents: 2_000 },
    s6: { producers: 16, requests: 200, listeners: 2 },
    s7: { clients: 1_000, rate: 1_000, seconds: 5, batch: 10 },
    s8: { clients: 10_000, behind: 100, live: 100 },
    s9: { opens: 10_000, concurrency: 64, workers: 2 },
    's1-workers': { clients: 1_000, warmup: 500, events: 5_000 },
  },
};
const sizes = SIZES[mode];
const ctx = { workers: 2, timeoutMs: args.quick ? 15_000 : 180_000, settleMs: args.quick ? 500 : 2_000 };
const runs = Number(args.runs ?? (args.quick ? 1 : 2));

const allScenarios = [s1, s1Latency, s2, s3, s4, s5, s6, s7, s8, s9, s1Workers];
// DIR holds each package's build as DIR/<pkg>/dist (a worktree's packages folder) or DIR/<pkg>.
const buildPackages = (dir) =>
  Object.fromEntries(
    ['engine', 'auth', 'store', 'api'].map((pkg) => {
      const dist = `${dir}/${pkg}/dist`;
      return [`@ironflow/${pkg}`, existsSync(`${dist}/index.js`) ? dist : `${dir}/${pkg}`];
    }),
  );
// --compare-build LABEL=DIR[,LABEL=DIR…]: every ironflow target once more per build.
const builds = (args['compare-build']?.split(',') ?? []).map((pair) => pair.split('='));
const ironflows = args['compare-api']
  ? args['compare-api'].split(',').map((pair) => {
      const [label, dir] = pair.split('=');
      return ironflowWith(`ironflow (${label})`, dir);
    })
  : builds.length
    ? [
        ...builds.map(([label, dir]) => ironflowWith(`ironflow (${label})`, null, buildPackages(dir))),
        ironflow,
      ]
    : [ironflow];
const allTargets = [...ironflows, nodeCeiling, koaPort, betterSse, nchan, nodeJwt];
// The PostgreSQL scenarios' targets: the store as built, and with --compare-store its baseline.
const postgresTargets = [
  ...builds.map(([label, dir]) =>
    ironflowPostgresWith(`ironflow (PostgreSQL, ${label})`, null, buildPackages(dir)),
  ),
  ...(args['compare-store']
    ? args['compare-store'].split(',').map((pair) => {
        const [label, dir] = pair.split('=');
        return ironflowPostgresWith(`ironflow (PostgreSQL, ${label})`, dir);
      })
    : []),
  ironflowPostgres,
];
const pick = (list, names, key) =>
  names ? list.filter((item) => names.split(',').includes(item[key])) : list;
const scenarios = pick(allScenarios, args.scenarios, 'id');
const targets = pick(allTargets, args.targets, 'name');

/** A peer's loss that is its design, not a bench or server bug: reported, not failed on. */
const BY_DESIGN = {
  'straightforward Koa port': { s4: 'its ring holds 256 events; a client 1,000 behind cannot resume' },
};

const skipped = [];
const available = [];
for (const t of targets) {
  const reason = await t.available();
  if (reason) skipped.push({ target: t.name, reason });
  else available.push(t);
}
const postgresSkip = await ironflowPostgres.available();

/** The targets a scenario runs against in this invocation. */
function targetsOf(scenario, run) {
  if (scenario.ownTargets) {
    if (postgresSkip === null) return scenario.ownTargets;
    if (run === 1) skipped.push({ target: 'ironflow serve', scenario: scenario.id, reason: postgresSkip });
    return [];
  }
  if (scenario.postgresOnly) {
    if (postgresSkip === null) return postgresTargets;
    if (run === 1)
      skipped.push({ target: ironflowPostgres.name, scenario: scenario.id, reason: postgresSkip });
    return [];
  }
  const list = available.filter(
    (t) => (!t.only || t.only.includes(scenario.id)) && (!scenario.targets || scenario.targets(t.name)),
  );
  if (scenario.id === 's5') {
    if (postgresSkip === null) list.splice(1, 0, ironflowPostgres);
    else if (run === 1) skipped.push({ target: ironflowPostgres.name, scenario: 's5', reason: postgresSkip });
  }
  return list;
}

const log = (text) => process.stderr.write(`${text}\n`);
const results = []; // { run, scenario, target, row }
const errors = [];
const started = Date.now();

// Odd runs take the targets in order, even runs in reverse: where a target runs within a run
// moved its result (an A/A run of one build under two names: the first ahead by up to 20%), so
// over 2 runs each target's mean position is the same.
const inRunOrder = (list, run) => (run % 2 === 0 ? [...list].reverse() : list);

for (let run = 1; run <= runs; run++) {
  for (const scenario of scenarios) {
    for (const target of inRunOrder(targetsOf(scenario, run), run)) {
      const t0 = Date.now();
      try {
        const rows = await scenario.run(target, sizes[scenario.id], ctx);
        for (const row of rows) results.push({ run, scenario: scenario.id, target: target.name, row });
        log(
          `run ${run} ${scenario.id} ${target.name}: ${summary(rows)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        );
      } catch (error) {
        errors.push({
          run,
          scenario: scenario.id,
          target: target.name,
          error: String(error?.stack ?? error),
        });
        log(`run ${run} ${scenario.id} ${target.name}: ERROR ${error?.message ?? error}`);
      }
    }
  }
}

function summary(rows) {
  return rows
    .map((r) => {
      const speed = r.deliveriesPerSec !== undefined ? `${Math.round(r.deliveriesPerSec)}/s` : '';
      const mem = r.kibPerConnection !== undefined ? `${r.kibPerConnection.toFixed(1)} KiB/conn` : '';
      const p99 = r.latency ? ` p99 ${r.latency.p99.toFixed(1)} ms` : '';
      const commits = r.commitsPerSec !== undefined ? ` ${Math.round(r.commitsPerSec)} commits/s` : '';
      const ok = r.check.ok
        ? 'ok'
        : `FAIL lost ${r.check.lost} dup ${r.check.duplicates} failures ${r.check.failures}`;
      return `[${r.case}] ${speed}${commits}${mem}${p99} ${ok}`;
    })
    .join(' ');
}

// Medians per scenario × case × target.
const groups = new Map();
for (const r of results) {
  const key = `${r.scenario}\u0000${r.row.case}\u0000${r.target}`;
  if (!groups.has(key))
    groups.set(key, { scenario: r.scenario, case: r.row.case, target: r.target, rows: [] });
  groups.get(key).rows.push(r.row);
}
const medians = [...groups.values()].map((g) => {
  const m = (f) => median(g.rows.map(f).filter((v) => typeof v === 'number'));
  const byDesign = BY_DESIGN[g.target]?.[g.scenario] ?? null;
  return {
    scenario: g.scenario,
    case: g.case,
    target: g.target,
    runs: g.rows.length,
    deliveriesPerSec: m((r) => r.deliveriesPerSec),
    seconds: m((r) => r.seconds),
    p50: m((r) => r.latency?.p50),
    p99: m((r) => r.latency?.p99),
    p999: m((r) => r.latency?.p999),
    kibPerConnection: m((r) => r.kibPerConnection),
    commitsPerSec: m((r) => r.commitsPerSec),
    baselineRssMiB: m((r) => r.baselineRssMiB),
    serverCpu: m((r) => r.serverCpu),
    clientCpu: m((r) => r.clientCpu),
    serverRssMiB: m((r) => r.serverRssMiB),
    ok: g.rows.every((r) => r.check.ok),
    lost: Math.max(...g.rows.map((r) => r.check.lost)),
    duplicates: Math.max(...g.rows.map((r) => r.check.duplicates)),
    failures: Math.max(...g.rows.map((r) => r.check.failures)),
    byDesign,
  };
});

const meta = {
  mode,
  command: ['pnpm bench', ...process.argv.slice(2)].join(' '),
  date: new Date().toISOString(),
  node: process.version,
  cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  kernel: os.release(),
  runs,
  minutes: (Date.now() - started) / 60_000,
  sizes,
  clientWorkers: ctx.workers,
};
const goals = mode === 'full' ? evaluateGoals(results, sizes.s3.levels.at(-1), ironflows.at(-1).name) : [];
const scenarioInfo = scenarios.map((s) => ({ id: s.id, title: s.title, method: s.method(sizes[s.id]) }));
const describeTargets = [...allTargets, ...postgresTargets, ...s1Workers.ownTargets].map((t) => ({
  name: t.name,
  description: t.description,
}));
const tables = renderTables({
  meta,
  scenarios: scenarioInfo,
  medians,
  goals,
  skipped,
  errors,
  targets: describeTargets,
});
process.stdout.write(tables);

const outDir = new URL('../results/', import.meta.url);
mkdirSync(outDir, { recursive: true });
writeFileSync(
  new URL(`${outName}.json`, outDir),
  `${JSON.stringify({ meta, scenarios: scenarioInfo, targets: describeTargets, skipped, errors, goals, medians, results }, null, 2)}\n`,
);
writeFileSync(new URL(`${outName}.md`, outDir), tables);
writeFileSync(
  new URL(`${outName}-chart.svg`, outDir),
  resultChart(medians, {
    meta,
    names: describeTargets.map((t) => t.name),
    idleLevel: sizes.s3.levels.at(-1),
  }),
);

// ironflow's results and the node:http ceiling's (our own reference server: a failure there means
// the harness is broken) must be clean; a third-party peer's loss is its behaviour, reported above.
const MUST_PASS = new Set([
  ...ironflows.map((t) => t.name),
  ...postgresTargets.map((t) => t.name),
  ...s1Workers.ownTargets.map((t) => t.name),
  'node:http ceiling',
  'node:http + JWT',
]);
const failedChecks = medians.filter((m) => !m.ok && !m.byDesign && MUST_PASS.has(m.target));
const fatalErrors = errors.filter((e) => MUST_PASS.has(e.target));
for (const m of medians.filter((m) => !m.ok && !MUST_PASS.has(m.target))) {
  log(
    `note: ${m.target} in ${m.scenario} (${m.case}): ${m.byDesign ?? `lost ${m.lost}, duplicates ${m.duplicates}`}`,
  );
}
if (failedChecks.length > 0 || fatalErrors.length > 0) {
  const where = [
    ...failedChecks.map((m) => `${m.scenario}/${m.case}/${m.target}`),
    ...fatalErrors.map((e) => `${e.scenario}/${e.target}: ${e.error.split('\n')[0]}`),
  ];
  log(`correctness FAILED: ${where.join('; ')}`);
  process.exitCode = 1;
} else {
  log(
    `ironflow and the ceiling: every delivery checked, no loss, no duplicate, in order (${meta.minutes.toFixed(1)} min)`,
  );
}
