import { ratioText, targetText } from './report.mjs';

/**
 * The chart in RESULTS.md, drawn as plain SVG (no chart library, nothing fetched). One row per
 * result: a dot at its ratio (to the ceiling, the peer or the limit) on a shared logarithmic axis, the
 * target as a dashed line and the side of it that passes shaded green. Green dot: meets the target;
 * red: misses it; grey: no target (shown for context).
 */
const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const MIN = 0.01;
const MAX = 100;
const TICKS = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100];

export function renderChart(rows, results) {
  const width = 1180;
  const labelWidth = 400;
  const axisX = labelWidth + 15;
  const axisWidth = 420;
  const rowHeight = 24;
  const xOf = (ratio) => {
    const clamped = Math.min(MAX, Math.max(MIN, ratio));
    return axisX + ((Math.log10(clamped) - Math.log10(MIN)) / (Math.log10(MAX) - Math.log10(MIN))) * axisWidth;
  };
  const parts = [];
  let y = 58;
  let store;
  const shown = rows.filter((row) => Number.isFinite(row.ratio));
  for (const r of shown) {
    if (r.store !== store) {
      store = r.store;
      y += 12;
      const title = store === 'app' ? 'App side (independent of the store)' : store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      parts.push(`<text x="10" y="${y + 14}" font-weight="bold" font-size="14">${esc(title)}</text>`);
      for (const t of TICKS) {
        parts.push(`<text x="${xOf(t).toFixed(1)}" y="${y + 14}" font-size="10" fill="#757575" text-anchor="middle">${t}×</text>`);
      }
      y += 22;
    }
    const top = y + 3;
    const h = rowHeight - 6;
    parts.push(`<text x="${labelWidth}" y="${y + 16}" text-anchor="end" font-size="12">${esc(`${r.id}. ${r.name}`)}</text>`);
    parts.push(`<rect x="${axisX}" y="${top}" width="${axisWidth}" height="${h}" fill="#f5f5f5"/>`);
    if (r.target !== undefined) {
      const tx = xOf(r.target);
      const [from, to] = r.better === 'higher' ? [tx, axisX + axisWidth] : [axisX, tx];
      parts.push(`<rect x="${from.toFixed(1)}" y="${top}" width="${(to - from).toFixed(1)}" height="${h}" fill="#c8e6c9"/>`);
      parts.push(
        `<line x1="${tx.toFixed(1)}" y1="${top - 2}" x2="${tx.toFixed(1)}" y2="${top + h + 2}" stroke="#1b5e20" stroke-width="2" stroke-dasharray="3,2"/>`,
      );
    }
    for (const t of TICKS)
      parts.push(
        `<line x1="${xOf(t).toFixed(1)}" y1="${top}" x2="${xOf(t).toFixed(1)}" y2="${top + h}" stroke="#e0e0e0" stroke-width="1"/>`,
      );
    const color = r.pass === null ? '#78909c' : r.pass ? '#2e7d32' : '#c62828';
    parts.push(`<circle cx="${xOf(r.ratio).toFixed(1)}" cy="${top + h / 2}" r="6" fill="${color}" stroke="white" stroke-width="1.5"/>`);
    const verdict = r.pass === null ? '' : r.pass ? ' · pass' : ' · MISS';
    const label = `${ratioText(r)}${r.target !== undefined ? ` · target ${targetText(r)}` : ''}${verdict}`;
    parts.push(`<text x="${axisX + axisWidth + 10}" y="${y + 16}" font-size="12" fill="${color}">${esc(label)}</text>`);
    y += rowHeight;
  }
  const m = results.machine;
  const o = results.options;
  const height = y + 44;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">
<title>Gatehouse against ceilings measured in the same run: ratios and targets</title>
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="24" font-size="17" font-weight="bold">Gatehouse against ceilings measured in the same run</text>
<text x="10" y="44" font-size="12" fill="#424242">${esc(`${m.cpuModel}, ${m.cores} cores (shared), Node ${m.node}, ${m.date.slice(0, 10)}; medians of ${o.reps} × ${o.duration} s; --workers ${o.workers}${o.quick ? '; QUICK RUN' : ''}`)}</text>
${parts.join('\n')}
<text x="10" y="${height - 22}" font-size="11" fill="#616161">Dot: the ratio on a log scale (Gatehouse ÷ ceiling or peer; 1M ÷ 10k users; storm ÷ alone; value ÷ limit). Dashed line: the target; green band: where the target is met.</text>
<text x="10" y="${height - 8}" font-size="11" fill="#616161">Green dot meets the target, red misses it, grey has no target. Ratios outside 0.01×–100× sit at the edge.</text>
</svg>
`;
}
