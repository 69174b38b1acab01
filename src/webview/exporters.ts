/** Exports of the shown run: CSV of the summary, SVG of the timelines, PNG of the charts. */
import { LANE_STATES } from '../shared/trace';
import type { VariantFigures } from './analysis';
import type { Texts } from './i18n';
import { STATE_LABEL } from './labels';
import { forEachVisibleRect, type VariantSeries } from './laneData';
import type { Theme } from './theme';

function csvField(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function summaryCsv(figures: VariantFigures[]): string {
  const header = ['variant', 'title', 'wall_ms', 'cpu_ms', 'speedup', 'ideal_ms', 'expected', 'actual', 'ok', 'error'];
  const rows = figures.map((f) => [
    f.id,
    f.title,
    f.wallMs.toFixed(3),
    f.cpuMs?.toFixed(3),
    f.speedup.toFixed(3),
    f.idealMs?.toFixed(3),
    f.outcome?.expected,
    f.outcome?.actual,
    f.outcome?.ok,
    f.error,
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SVG_PATTERNS: Record<string, string> = {
  ready: '<path d="M-2,10 L10,-2 M-2,2 L2,-2 M6,10 L10,6"/>',
  sleeping: '<path d="M0,2 H8 M0,6 H8"/>',
  io: '<rect x="1" y="1" width="2" height="2"/><rect x="5" y="5" width="2" height="2"/>',
  'lock-wait': '<path d="M-2,10 L10,-2 M-2,2 L2,-2 M6,10 L10,6 M-2,-2 L10,10"/>',
};

/** A 1-2-5 step giving about six ticks over `span`. */
function niceStep(span: number): number {
  const raw = span / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

function axisTicks(range: [number, number], left: number, k: number, y: number, texts: Texts): string[] {
  const step = niceStep(range[1] - range[0] || 1);
  const ticks: string[] = [`<path d="M${left},${y + 2} H${(left + (range[1] - range[0]) * k).toFixed(1)}" stroke="currentColor" stroke-opacity="0.4"/>`];
  for (let v = Math.ceil(range[0] / step) * step; v <= range[1]; v += step) {
    const x = (left + (v - range[0]) * k).toFixed(1);
    ticks.push(`<path d="M${x},${y + 2} v4" stroke="currentColor" stroke-opacity="0.6"/><text x="${x}" y="${y + 18}" text-anchor="middle">${xml(texts.ms(+v.toPrecision(6)))}</text>`);
  }
  return ticks;
}

/** The timelines as a standalone SVG over `range` (ms), spans merged at the SVG's pixel width. */
export function timelineSvg(all: VariantSeries[], range: [number, number], theme: Theme, texts: Texts): string {
  const width = 1000;
  const labelW = 170;
  const plotW = width - labelW - 10;
  const laneH = 20;
  const ink = theme.background;
  const defs = Object.entries(SVG_PATTERNS)
    .map(([s, d]) => `<pattern id="p-${s}" width="8" height="8" patternUnits="userSpaceOnUse"><g stroke="${ink}" fill="${ink}" stroke-opacity="0.6" fill-opacity="0.6" stroke-width="1.5">${d}</g></pattern>`)
    .join('');
  const parts: string[] = [];
  let y = 10;
  const k = plotW / (range[1] - range[0] || 1);
  for (const series of all) {
    parts.push(`<text x="0" y="${y + 14}" font-weight="bold">${xml(texts.variant(series.variant.title))} — ${xml(texts.ms(series.variant.wallUs / 1000))}</text>`);
    y += 24;
    for (const lane of series.lanes) {
      const name = lane.lane.daemon ? `${lane.lane.name} (${texts.t('daemon')})` : lane.lane.name;
      parts.push(`<text x="0" y="${y + 14}">${xml(name)}</text>`);
      const mid = y + laneH / 2;
      forEachVisibleRect(lane, range[0], range[1], { origin: labelW - range[0] * k, perMs: k }, (state, x0, x1) => {
        const h = Math.max((laneH - 4) * theme.stateHeight[state], 1);
        const rect = `x="${x0.toFixed(1)}" y="${(mid - h / 2).toFixed(1)}" width="${Math.max(x1 - x0, 1).toFixed(1)}" height="${h.toFixed(1)}"`;
        const stateName = LANE_STATES[state];
        parts.push(`<rect ${rect} fill="${theme.stateFill[state]}"/>`);
        if (SVG_PATTERNS[stateName]) parts.push(`<rect ${rect} fill="url(#p-${stateName})"/>`);
      });
      y += laneH;
    }
    parts.push(...axisTicks(range, labelW, k, y, texts));
    y += 28;
  }
  const legend = LANE_STATES.map((s, i) => {
    const x = (i % 4) * 240;
    const ly = y + Math.floor(i / 4) * 20;
    const pattern = SVG_PATTERNS[s] ? `<rect x="${x}" y="${ly}" width="24" height="12" fill="url(#p-${s})"/>` : '';
    return `<rect x="${x}" y="${ly}" width="24" height="12" fill="${theme.stateFill[i]}"/>${pattern}<text x="${x + 30}" y="${ly + 11}">${xml(texts.t(STATE_LABEL[s]))}</text>`;
  }).join('');
  const height = y + 50;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">` +
    `<defs>${defs}</defs><rect width="100%" height="100%" fill="${theme.background}"/><g fill="${theme.foreground}" color="${theme.foreground}">` +
    parts.join('') +
    legend +
    '</g></svg>\n'
  );
}

/** Stacks the chart canvases into one image (device pixels) and returns it as base64 PNG. */
export function chartsPng(canvases: { title: string; canvas: HTMLCanvasElement }[], theme: Theme): string {
  const dpr = window.devicePixelRatio || 1;
  const titleH = Math.round(22 * dpr);
  const width = Math.max(1, ...canvases.map((c) => c.canvas.width));
  const height = canvases.reduce((h, c) => h + titleH + c.canvas.height, 0);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = Math.max(height, 1);
  const g = out.getContext('2d');
  if (!g) return '';
  g.fillStyle = theme.background;
  g.fillRect(0, 0, out.width, out.height);
  g.font = `bold ${13 * dpr}px sans-serif`;
  let y = 0;
  for (const { title, canvas } of canvases) {
    g.fillStyle = theme.foreground;
    g.fillText(title, 4 * dpr, y + 16 * dpr);
    y += titleH;
    g.drawImage(canvas, 0, y);
    y += canvas.height;
  }
  return out.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
