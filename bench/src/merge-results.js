// `node src/merge-results.js OUT PART...`: merges the results of several bench invocations (each
// written with `--out PART`, e.g. when a full run is taken in two sittings) into results/OUT.*,
// with the goals judged again over all of them (ratios still within each run of each part).
import { readFileSync, writeFileSync } from 'node:fs';
import { evaluateGoals } from './lib/goals.js';
import { renderTables } from './lib/report.js';
import { resultChart } from './lib/result-chart.js';

const [out, ...parts] = process.argv.slice(2);
if (!out || parts.length === 0) {
  process.stderr.write('usage: node src/merge-results.js OUT PART [PART...]\n');
  process.exit(2);
}
const dir = new URL('../results/', import.meta.url);
const loaded = parts.map((part) => JSON.parse(readFileSync(new URL(`${part}.json`, dir), 'utf8')));
// A scenario measured again in a later part replaces its earlier results.
for (const [i, data] of loaded.entries()) {
  const later = new Set(loaded.slice(i + 1).flatMap((d) => d.scenarios.map((s) => s.id)));
  data.results = data.results.filter((r) => !later.has(r.scenario));
  data.medians = data.medians.filter((m) => !later.has(m.scenario));
  data.scenarios = data.scenarios.filter((s) => !later.has(s.id));
}
const union = (pick, key) => {
  const seen = new Map();
  for (const data of loaded) for (const item of pick(data) ?? []) seen.set(key(item), item);
  return [...seen.values()];
};
// Each part's run numbers stay its own: prefix them so that ratios never mix parts.
const results = loaded.flatMap((data, i) => data.results.map((r) => ({ ...r, run: `${i + 1}.${r.run}` })));
const meta = {
  ...loaded[0].meta,
  command: loaded.map((data) => data.meta.command).join(' ; '),
  date: loaded.map((data) => data.meta.date).join(' … '),
  minutes: loaded.reduce((sum, data) => sum + data.meta.minutes, 0),
  sizes: Object.assign({}, ...loaded.map((data) => data.meta.sizes)),
};
const scenarios = union(
  (d) => d.scenarios,
  (s) => s.id,
);
const targets = union(
  (d) => d.targets,
  (t) => t.name,
);
const medians = loaded.flatMap((data) => data.medians);
const skipped = loaded.flatMap((data) => data.skipped);
const errors = loaded.flatMap((data) => data.errors);
const idleLevel = meta.sizes.s3?.levels.at(-1) ?? 19_000;
const goals = evaluateGoals(results, idleLevel, 'ironflow');
const tables = renderTables({ meta, scenarios, medians, goals, skipped, errors, targets });
writeFileSync(
  new URL(`${out}.json`, dir),
  `${JSON.stringify({ meta, scenarios, targets, skipped, errors, goals, medians, results }, null, 2)}\n`,
);
writeFileSync(new URL(`${out}.md`, dir), tables);
writeFileSync(
  new URL(`${out}-chart.svg`, dir),
  resultChart(medians, { meta, names: targets.map((t) => t.name), idleLevel }),
);
process.stdout.write(tables);
