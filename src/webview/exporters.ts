/** Exports of the shown run: CSV of the summary, SVG of the timelines, PNG of the charts. */
import { LANE_STATES } from '../shared/trace';
import type { VariantFigures } from './analysis';
import type { Texts } from './i18n';
import { STATE_LABEL, laneTitle } from './labels';
import { forEachVisibleRect, timeByState, type VariantSeries } from './laneData';
import { OUTLINE_MIN_HEIGHT, PATTERN_TILE, STATE_PATTERN, patternSvg } from './stateStyle';
import { paintSwatch, type Theme } from './theme';

function csvField(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Column name of a state's total: `gil-wait` → `gil_wait_ms`. */
export function stateColumn(state: string): string {
  return `${state.replace(/-/g, '_')}_ms`;
}

/**
 * One row per variant: the summary's figures, how the process exited, and the time all its lanes
 * together spent in each state (one column per state).
 */
export function summaryCsv(figures: VariantFigures[], series: VariantSeries[]): string {
  const header = ['variant', 'title', 'wall_ms', 'cpu_ms', 'speedup', 'ideal_ms', 'expected', 'actual', 'ok', 'exit_code', 'signal', 'error', ...LANE_STATES.map(stateColumn)];
  const rows = figures.map((f) => {
    const s = series.find((x) => x.variant.id === f.id);
    const totals = new Float64Array(LANE_STATES.length);
    for (const lane of s?.lanes ?? []) timeByState(lane).forEach((ms, i) => (totals[i] += ms));
    return [
      f.id,
      f.title,
      f.wallMs.toFixed(3),
      f.cpuMs?.toFixed(3),
      f.speedup.toFixed(3),
      f.idealMs?.toFixed(3),
      f.outcome?.expected,
      f.outcome?.actual,
      f.outcome?.ok,
      s?.variant.exitCode,
      s?.variant.signal,
      f.error,
      ...Array.from(totals, (ms) => ms.toFixed(3)),
    ];
  });
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}


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
  // The same tiles and inks as the canvas (stateStyle.ts, theme.ts).
  const patterned = LANE_STATES.map((s) => STATE_PATTERN[s] !== 'none');
  const defs = LANE_STATES.map((s, i) =>
    patterned[i]
      ? `<pattern id="p-${s}" width="${PATTERN_TILE}" height="${PATTERN_TILE}" patternUnits="userSpaceOnUse"><g stroke="${theme.stateInk[i]}" fill="${theme.stateInk[i]}" stroke-width="1.5">${patternSvg(STATE_PATTERN[s])}</g></pattern>`
      : '',
  ).join('');
  const outline = (state: number): string =>
    theme.outline && theme.stateHeight[state] >= OUTLINE_MIN_HEIGHT ? ` stroke="${theme.outline}" stroke-width="1"` : '';
  const parts: string[] = [];
  let y = 10;
  const k = plotW / (range[1] - range[0] || 1);
  for (const series of all) {
    parts.push(`<text x="0" y="${y + 14}" font-weight="bold">${xml(texts.variant(series.variant.title))} — ${xml(texts.ms(series.variant.wallUs / 1000))}</text>`);
    y += 24;
    for (const lane of series.lanes) {
      parts.push(`<text x="0" y="${y + 14}">${xml(laneTitle(lane.lane, texts.t.bind(texts)))}</text>`);
      const mid = y + laneH / 2;
      forEachVisibleRect(lane, range[0], range[1], { origin: labelW - range[0] * k, perMs: k }, (state, x0, x1) => {
        const h = Math.max((laneH - 4) * theme.stateHeight[state], 1);
        const rect = `x="${x0.toFixed(1)}" y="${(mid - h / 2).toFixed(1)}" width="${Math.max(x1 - x0, 1).toFixed(1)}" height="${h.toFixed(1)}"`;
        parts.push(`<rect ${rect} fill="${theme.stateFill[state]}"/>`);
        if (patterned[state]) parts.push(`<rect ${rect} fill="url(#p-${LANE_STATES[state]})"${outline(state)}/>`);
        else if (outline(state)) parts.push(`<rect ${rect} fill="none"${outline(state)}/>`);
      });
      y += laneH;
    }
    parts.push(...axisTicks(range, labelW, k, y, texts));
    y += 28;
  }
  const perRow = 3;
  const legend = LANE_STATES.map((s, i) => {
    const x = (i % perRow) * 330;
    const ly = y + Math.floor(i / perRow) * 20;
    const pattern = patterned[i] ? `<rect x="${x}" y="${ly}" width="24" height="12" fill="url(#p-${s})"/>` : '';
    return `<rect x="${x}" y="${ly}" width="24" height="12" fill="${theme.stateFill[i]}"/>${pattern}<text x="${x + 30}" y="${ly + 11}">${xml(texts.t(STATE_LABEL[s]))}</text>`;
  }).join('');
  const height = y + Math.ceil(LANE_STATES.length / perRow) * 20 + 10;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">` +
    `<defs>${defs}</defs><rect width="100%" height="100%" fill="${theme.background}"/><g fill="${theme.foreground}" color="${theme.foreground}">` +
    parts.join('') +
    legend +
    '</g></svg>\n'
  );
}

/** Stacks the chart canvases into one image (device pixels) with the state legend under them, and
 *  returns it as base64 PNG. */
export function chartsPng(canvases: { title: string; canvas: HTMLCanvasElement }[], theme: Theme, texts: Texts): string {
  const dpr = window.devicePixelRatio || 1;
  const titleH = Math.round(22 * dpr);
  const width = Math.max(Math.round(900 * dpr), ...canvases.map((c) => c.canvas.width));
  const perRow = Math.max(1, Math.floor(width / (330 * dpr)));
  const rowH = Math.round(20 * dpr);
  const legendH = Math.ceil(LANE_STATES.length / perRow) * rowH + Math.round(10 * dpr);
  const height = canvases.reduce((h, c) => h + titleH + c.canvas.height, 0) + legendH;
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
  // The legend: each swatch painted as the chart paints that state.
  g.font = `${12 * dpr}px sans-serif`;
  const swatch = document.createElement('canvas');
  LANE_STATES.forEach((s, i) => {
    const x = (i % perRow) * 330 * dpr + 4 * dpr;
    const ly = y + Math.floor(i / perRow) * rowH + 4 * dpr;
    paintSwatch(swatch, theme, i);
    g.drawImage(swatch, x, ly);
    g.fillStyle = theme.foreground;
    g.fillText(texts.t(STATE_LABEL[s]), x + 34 * dpr, ly + 11 * dpr);
  });
  return out.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
