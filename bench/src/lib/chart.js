// A dependency-free SVG chart: one panel per metric, a horizontal bar per target.
const COLORS = ['#2563eb', '#6b7280', '#dc2626', '#d97706', '#059669', '#7c3aed'];
const WIDTH = 760;
const LABEL = 190;
const BAR = 16;
const GAP = 4;

function escapeXml(text) {
  return String(text).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );
}

function format(value) {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  if (value >= 10) return value.toFixed(0);
  return value.toFixed(2);
}

/**
 * `panels`: `[{ title, unit, bars: [{ label, value }] }]`; a null value is drawn as "n/a".
 * Returns the SVG text.
 */
export function barChart(title, panels, targets) {
  const color = new Map(targets.map((t, i) => [t, COLORS[i % COLORS.length]]));
  let y = 40;
  const parts = [];
  for (const panel of panels) {
    parts.push(
      `<text x="10" y="${y}" font-weight="bold">${escapeXml(panel.title)} (${escapeXml(panel.unit)})</text>`,
    );
    y += 8;
    const max = Math.max(1e-9, ...panel.bars.map((b) => b.value ?? 0));
    for (const bar of panel.bars) {
      const width = bar.value === null ? 0 : Math.max(1, ((WIDTH - LABEL - 90) * bar.value) / max);
      parts.push(
        `<text x="${LABEL - 6}" y="${y + BAR - 4}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      );
      parts.push(
        `<rect x="${LABEL}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" fill="${color.get(bar.label) ?? '#999'}"/>`,
      );
      parts.push(
        `<text x="${LABEL + width + 4}" y="${y + BAR - 4}">${bar.value === null ? 'n/a' : format(bar.value)}</text>`,
      );
      y += BAR + GAP;
    }
    y += 24;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>
${parts.join('\n')}
</svg>
`;
}
