import { barChart } from './chart.js';

/** The SVG chart of a run's medians: one panel per scenario metric, one bar per target. */
export function resultChart(rows, { meta, names, idleLevel }) {
  const panel = (title, unit, scenario, caseName, pickValue) => ({
    title,
    unit,
    bars: names
      .map((name) => {
        const row = rows.find(
          (r) => r.scenario === scenario && r.target === name && (!caseName || r.case === caseName),
        );
        return row ? { label: name, value: pickValue(row) ?? null } : null;
      })
      .filter(Boolean),
  });
  const panels = [
    panel('S1 broadcast, batched ×100', 'deliveries/s', 's1', 'batched ×100', (r) => r.deliveriesPerSec),
    panel(
      'S1 broadcast, one per request',
      'deliveries/s',
      's1',
      'one per request',
      (r) => r.deliveriesPerSec,
    ),
    panel('S2 filtered', 'events routed/s', 's2', null, (r) => r.deliveriesPerSec),
    panel('S4 resume storm', 'deliveries/s', 's4', null, (r) => r.deliveriesPerSec),
    panel('S1-latency p99', 'ms, lower is better', 's1-latency', null, (r) => r.p99),
    panel('S1 batched p99', 'ms, lower is better', 's1', 'batched ×100', (r) => r.p99),
    panel('S2 p99', 'ms, lower is better', 's2', null, (r) => r.p99),
    panel(
      'S3 idle, largest level',
      'KiB per connection, lower is better',
      's3',
      `${idleLevel} streams`,
      (r) => r.kibPerConnection,
    ),
  ].filter((p) => p.bars.length > 0);
  return barChart(
    `ironflow SSE vs peers — ${meta.command}, ${meta.date.slice(0, 10)}, Node ${meta.node}, ${meta.cpu}`,
    panels,
    names,
  );
}
