import { median } from './report.js';

const CEILING = 'node:http ceiling';
const NCHAN = 'Nchan';
const PG_AFTER = 'ironflow (PostgreSQL)';
const PG_BEFORE = 'ironflow (PostgreSQL, before)';

/**
 * The goals, each judged on ratios taken within one run (same machine state) and then
 * the median over runs. A goal whose peer did not run is "n/a".
 */
export function evaluateGoals(results, idleLevel, ours = 'ironflow') {
  const runs = [...new Set(results.map((r) => r.run))];
  const value = (run, scenario, caseName, target, pick) => {
    const r = results.find(
      (x) =>
        x.run === run &&
        x.scenario === scenario &&
        x.target === target &&
        (!caseName || x.row.case === caseName),
    );
    return r ? pick(r.row) : undefined;
  };
  const ratio = (scenario, caseName, pick, other, invert = false) => {
    const ratios = [];
    for (const run of runs) {
      const mine = value(run, scenario, caseName, ours, pick);
      const theirs = value(run, scenario, caseName, other, pick);
      if (mine && theirs) ratios.push(invert ? theirs / mine : mine / theirs);
    }
    return ratios.length ? median(ratios) : null;
  };
  const own = (scenario, caseName, pick) => {
    const values = runs
      .map((run) => value(run, scenario, caseName, ours, pick))
      .filter((v) => v !== undefined);
    return values.length ? values : null;
  };
  const speed = (r) => r.deliveriesPerSec;
  /** Median over runs of a ratio between two named targets (neither needs to be `ours`). */
  const crossRatio = (scenario, caseName, pick, mine, theirs) => {
    const ratios = [];
    for (const run of runs) {
      const a = value(run, scenario, caseName, mine, pick);
      const b = value(run, scenario, caseName, theirs, pick);
      if (a && b) ratios.push(a / b);
    }
    return ratios.length ? median(ratios) : null;
  };
  const p99 = (r) => r.latency?.p99;
  const goals = [];
  const add = (goal, actual, met, text) => goals.push({ goal, actual, met, text });
  const ratioGoal = (goal, scenario, caseName, pick, other, min, invert) => {
    const r = ratio(scenario, caseName, pick, other, invert);
    add(goal, r, r === null ? null : r >= min, r === null ? 'n/a' : `${r.toFixed(2)}×`);
  };
  const BETTER_SSE = 'better-sse';
  const p50 = (r) => r.latency?.p50;
  // Round 2 (issue 18). Round 1's ratios, each to stay ≥ 0.95× of itself: S1 batched 0.94× the
  // ceiling, S1 one per request 1.45× Nchan, S4 ceiling time / ours 0.68.
  ratioGoal('S2 ≥ 0.9× node:http ceiling', 's2', null, speed, CEILING, 0.9);
  ratioGoal('S2 ahead of better-sse (> 1×)', 's2', null, speed, BETTER_SSE, 1.0000001);
  ratioGoal('S2 ahead of Nchan (> 1×)', 's2', null, speed, NCHAN, 1.0000001);
  // For latency "ours ≤ k × theirs" is theirs/ours ≥ 1/k.
  ratioGoal(
    "S1-latency p99 ≤ 0.8× Nchan's (Nchan p99 / ours ≥ 1.25)",
    's1-latency',
    null,
    p99,
    NCHAN,
    1.25,
    true,
  );
  ratioGoal("S1-latency p50 ≤ Nchan's (Nchan p50 / ours ≥ 1)", 's1-latency', null, p50, NCHAN, 1, true);
  const kibRatio = ratio('s3', `${idleLevel} streams`, (r) => r.kibPerConnection, CEILING, true);
  add(
    `S3 ≤ 1.05× the ceiling's KiB/conn at ${idleLevel} (ceiling / ours ≥ 0.952)`,
    kibRatio,
    kibRatio === null ? null : kibRatio >= 1 / 1.05,
    kibRatio === null ? 'n/a' : `${(1 / kibRatio).toFixed(2)}× the ceiling`,
  );
  ratioGoal('S1 batched ≥ 0.95 × 0.94× ceiling (≥ 0.89×)', 's1', 'batched ×100', speed, CEILING, 0.893);
  ratioGoal(
    'S1 one per request ≥ 0.95 × 1.45× Nchan (≥ 1.38×)',
    's1',
    'one per request',
    speed,
    NCHAN,
    1.378,
  );
  ratioGoal(
    'S4 ≥ 0.95 × 0.68 of the ceiling’s speed (≥ 0.65×)',
    's4',
    null,
    (r) => r.deliveriesPerSec,
    CEILING,
    0.646,
  );
  const storm = own('s4', null, (r) => r);
  if (storm) {
    const worst = Math.max(...storm.map((r) => r.seconds));
    const clean = storm.every((r) => r.check.ok);
    add(
      'S4 caught up ≤ 10 s, zero loss, zero duplicates',
      worst,
      worst <= 10 && clean,
      `${worst.toFixed(2)} s (worst run), ${clean ? 'no loss, no duplicate' : 'LOSS OR DUPLICATES'}`,
    );
  }
  // S6: the PostgreSQL log against its build at the start of the work (--compare-store before=DIR).
  for (const c of [
    'batch 10, alone',
    'batch 100, alone',
    'batch 10, 2 listening',
    'batch 100, 2 listening',
  ]) {
    const r = crossRatio('s6', c, speed, PG_AFTER, PG_BEFORE);
    add(
      `S6 ${c}: events/s ≥ 2× the start`,
      r,
      r === null ? null : r >= 2,
      r === null ? 'n/a' : `${r.toFixed(2)}×`,
    );
  }
  const s7 = results.filter((x) => x.scenario === 's7' && x.target === PG_AFTER).map((x) => x.row);
  if (s7.length) {
    const worst = Math.max(...s7.map((r) => r.latency?.p99 ?? Number.POSITIVE_INFINITY));
    const clean = s7.every((r) => r.check.ok);
    add(
      'S7 p99 publish→receive across instances ≤ 25 ms',
      worst,
      worst <= 25 && clean,
      `${worst.toFixed(1)} ms (worst run)${clean ? '' : ', LOSS'}`,
    );
  } else add('S7 p99 publish→receive across instances ≤ 25 ms', null, null, 'n/a');
  const s8 = own('s8', null, (r) => r);
  if (s8) {
    const worst = Math.max(...s8.map((r) => r.seconds));
    const clean = s8.every((r) => r.check.ok);
    add(
      'S8 10,000 streams caught up ≤ 5 s, zero loss, zero duplicates',
      worst,
      worst <= 5 && clean,
      `${worst.toFixed(2)} s (worst run), ${clean ? 'no loss, no duplicate' : 'LOSS OR DUPLICATES'}`,
    );
  } else add('S8 10,000 streams caught up ≤ 5 s, zero loss, zero duplicates', null, null, 'n/a');
  ratioGoal('S9 opens/s ≥ 0.7× node:http + JWT', 's9', null, speed, 'node:http + JWT', 0.7);
  const w = crossRatio(
    's1-workers',
    'batched ×100',
    speed,
    'ironflow serve --workers 2 (PostgreSQL)',
    'ironflow serve (PostgreSQL)',
  );
  add('S1 batched, --workers 2 vs 1 (reported)', w, null, w === null ? 'n/a' : `${w.toFixed(2)}×`);
  return goals;
}
