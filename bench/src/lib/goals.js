import { median } from './report.js';

const CEILING = 'node:http ceiling';
const KOA = 'straightforward Koa port';
const NCHAN = 'Nchan';

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
  const p99 = (r) => r.latency?.p99;
  const goals = [];
  const add = (goal, actual, met, text) => goals.push({ goal, actual, met, text });
  const ratioGoal = (goal, scenario, caseName, pick, other, min, invert) => {
    const r = ratio(scenario, caseName, pick, other, invert);
    add(goal, r, r === null ? null : r >= min, r === null ? 'n/a' : `${r.toFixed(2)}×`);
  };
  ratioGoal('S1 batched ≥ 0.6× node:http ceiling', 's1', 'batched ×100', speed, CEILING, 0.6);
  ratioGoal('S1 batched ≥ 5× Nchan', 's1', 'batched ×100', speed, NCHAN, 5);
  ratioGoal('S1 batched ≥ 5× straightforward port', 's1', 'batched ×100', speed, KOA, 5);
  ratioGoal('S1 one-per-request ≥ 1× Nchan', 's1', 'one per request', speed, NCHAN, 1);
  // For latency "ours ≤ theirs" is theirs/ours ≥ 1.
  ratioGoal("S1-latency p99 ≤ Nchan's (Nchan p99 / ours ≥ 1)", 's1-latency', null, p99, NCHAN, 1, true);
  ratioGoal('S2 ≥ 0.8× node:http ceiling', 's2', null, speed, CEILING, 0.8);
  const idle = own('s3', `${idleLevel} streams`, (r) => r.kibPerConnection);
  const kib = idle ? median(idle) : null;
  add(
    `S3 ≤ 12 KiB/conn at ${idleLevel}`,
    kib,
    kib === null ? null : kib <= 12,
    kib === null ? 'n/a' : `${kib.toFixed(1)} KiB`,
  );
  const storm = own('s4', null, (r) => r);
  if (storm) {
    const worst = Math.max(...storm.map((r) => r.seconds));
    const clean = storm.every((r) => r.check.lost === 0 && r.check.duplicates === 0 && r.check.ok);
    add(
      'S4 caught up ≤ 10 s, zero loss, zero duplicates',
      worst,
      worst <= 10 && clean,
      `${worst.toFixed(2)} s (worst run), ${clean ? 'no loss, no duplicate' : 'LOSS OR DUPLICATES'}`,
    );
  } else add('S4 caught up ≤ 10 s, zero loss, zero duplicates', null, null, 'n/a');
  return goals;
}
