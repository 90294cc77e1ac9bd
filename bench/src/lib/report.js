export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const num = (v, digits = 0) =>
  v === null || v === undefined
    ? '–'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const check = (m) =>
  m.ok
    ? 'ok'
    : `${m.byDesign ? 'by design: ' : 'FAIL: '}lost ${m.lost}, dup ${m.duplicates}, failed ${m.failures}`;

const COLUMNS = {
  speed: [
    'target',
    'case',
    'deliveries/s',
    '× ceiling',
    'p50 ms',
    'p99 ms',
    'p99.9 ms',
    'server CPU s',
    'client CPU s',
    'server RSS MiB',
    'check',
  ],
  idle: ['target', 'case', 'KiB/connection', 'server RSS MiB', 'RSS before MiB', 'check'],
  ingest: ['target', 'case', 'events/s', 'commits/s', 'p50 ms', 'p99 ms', 'server CPU s', 'check'],
  opens: ['target', 'case', 'opens/s', '× node:http + JWT', 'p50 ms', 'p99 ms', 'server CPU s', 'check'],
  storm: [
    'target',
    'case',
    'all caught up s',
    'deliveries/s',
    'server CPU s',
    'client CPU s',
    'server RSS MiB',
    'check',
  ],
};

function row(kind, m, ceiling) {
  if (kind === 'idle') {
    return [
      m.target,
      m.case,
      num(m.kibPerConnection, 1),
      num(m.serverRssMiB),
      num(m.baselineRssMiB),
      check(m),
    ];
  }
  if (kind === 'ingest') {
    return [
      m.target,
      m.case,
      num(m.deliveriesPerSec),
      num(m.commitsPerSec),
      num(m.p50, 1),
      num(m.p99, 1),
      num(m.serverCpu, 1),
      check(m),
    ];
  }
  if (kind === 'opens') {
    const reference = ceiling?.deliveriesPerSec
      ? (m.deliveriesPerSec / ceiling.deliveriesPerSec).toFixed(2)
      : '–';
    return [
      m.target,
      m.case,
      num(m.deliveriesPerSec),
      reference,
      num(m.p50, 1),
      num(m.p99, 1),
      num(m.serverCpu, 1),
      check(m),
    ];
  }
  if (kind === 'storm') {
    return [
      m.target,
      m.case,
      num(m.seconds, 2),
      num(m.deliveriesPerSec),
      num(m.serverCpu, 1),
      num(m.clientCpu, 1),
      num(m.serverRssMiB),
      check(m),
    ];
  }
  const ratio = ceiling?.deliveriesPerSec
    ? `${(m.deliveriesPerSec / ceiling.deliveriesPerSec).toFixed(2)}`
    : '–';
  return [
    m.target,
    m.case,
    num(m.deliveriesPerSec),
    ratio,
    num(m.p50, 1),
    num(m.p99, 1),
    num(m.p999, 1),
    num(m.serverCpu, 1),
    num(m.clientCpu, 1),
    num(m.serverRssMiB),
    check(m),
  ];
}

const KIND_OF = { s3: 'idle', s4: 'storm', s6: 'ingest', s8: 'storm', s9: 'opens' };

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The Markdown report: method, one table per scenario (method above it), goals, skips, errors. */
export function renderTables({ meta, scenarios, medians, goals, skipped, errors, targets }) {
  const out = [];
  out.push(`## Results: \`${meta.command}\` (${meta.date})`, '');
  out.push(
    `Machine: ${meta.cpu}, ${meta.memoryGiB} GiB, Linux ${meta.kernel}; Node ${meta.node}. ${meta.runs} run(s), medians shown; ${meta.clientWorkers} client processes; every server in its own process; ${meta.minutes.toFixed(1)} min.`,
    '',
  );
  out.push('Targets:', '');
  for (const t of targets) out.push(`- **${t.name}**: ${t.description}`);
  out.push('');
  for (const s of scenarios) {
    const kind = KIND_OF[s.id] ?? 'speed';
    out.push(`### ${s.title}`, '', `Method: ${s.method}`, '');
    const rows = medians.filter((m) => m.scenario === s.id);
    const cases = [...new Set(rows.map((m) => m.case))];
    const body = [];
    const reference = kind === 'opens' ? 'node:http + JWT' : 'node:http ceiling';
    for (const c of cases) {
      const ceiling = rows.find((m) => m.case === c && m.target === reference);
      for (const m of rows.filter((r) => r.case === c)) body.push(row(kind, m, ceiling));
    }
    out.push(body.length ? table(COLUMNS[kind], body) : '_no results_', '');
  }
  if (goals.length) {
    out.push('### Goals (ratios within each run, median over runs)', '');
    out.push(
      table(
        ['goal', 'measured', 'met'],
        goals.map((g) => [g.goal, g.text, g.met === null ? 'n/a' : g.met ? 'yes' : '**no**']),
      ),
      '',
    );
  }
  for (const s of skipped)
    out.push(`- skipped ${s.target}${s.scenario ? ` in ${s.scenario}` : ''}: ${s.reason}`);
  for (const e of errors)
    out.push(`- error in run ${e.run}, ${e.scenario}, ${e.target}: ${e.error.split('\n')[0]}`);
  out.push('');
  return out.join('\n');
}
