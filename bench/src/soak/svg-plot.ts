/** A small line chart per series, as one SVG file, written with no charting library (the bench has none). */

export interface PlotSeries {
  name: string;
  points: Array<{ tSec: number; value: number }>;
}

export interface PlotPanel {
  title: string;
  /** Unit printed beside the axis maximum (`MB`, `fds`). */
  unit: string;
  series: PlotSeries[];
}

const PANEL_WIDTH = 720;
const PANEL_HEIGHT = 150;
const MARGIN = { left: 70, right: 170, top: 26, bottom: 24 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** One panel per resource, stacked; time in minutes on each x axis, from 0 to the last sample. */
export function renderSvg(title: string, panels: readonly PlotPanel[]): string {
  const plotW = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const lastT = Math.max(1, ...panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.tSec))));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PANEL_WIDTH}" height="${30 + panels.length * PANEL_HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  panels.forEach((panel, index) => {
    const top = 30 + index * PANEL_HEIGHT;
    const values = panel.series.flatMap((s) => s.points.map((p) => p.value)).filter(Number.isFinite);
    const maxV = Math.max(1e-9, ...values) * 1.1;
    const x = (t: number) => MARGIN.left + (t / lastT) * plotW;
    const y = (v: number) => top + MARGIN.top + plotH - (v / maxV) * plotH;
    parts.push(`<text x="10" y="${top + 16}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    parts.push(`<rect x="${MARGIN.left}" y="${top + MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
    parts.push(`<text x="${MARGIN.left - 4}" y="${top + MARGIN.top + 4}" text-anchor="end">${formatValue(maxV)} ${escapeXml(panel.unit)}</text>`);
    parts.push(`<text x="${MARGIN.left - 4}" y="${top + MARGIN.top + plotH}" text-anchor="end">0</text>`);
    parts.push(`<text x="${MARGIN.left + plotW}" y="${top + PANEL_HEIGHT - 8}" text-anchor="end">${(lastT / 60).toFixed(0)} min</text>`);
    panel.series.forEach((series, s) => {
      const colour = COLOURS[s % COLOURS.length]!;
      const path = series.points
        .filter((p) => Number.isFinite(p.value))
        .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.tSec).toFixed(1)},${y(p.value).toFixed(1)}`)
        .join(' ');
      if (path) parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="1.2"/>`);
      parts.push(`<text x="${MARGIN.left + plotW + 8}" y="${top + MARGIN.top + 10 + s * 13}" fill="${colour}">${escapeXml(series.name)}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}
