/**
 * Exports of the shown run: CSV of the summary, SVG of the timelines, PNG of the charts. SVG and PNG
 * are drawn from the data (every lane, not only the ones scrolled into view) and are bounded: a run
 * too large for the format is refused with a sentence saying why, never written as a broken file.
 */
import { LANE_STATES } from '../shared/trace';
import type { VariantFigures } from '../shared/figures';
import type { Texts } from './i18n';
import { STATE_LABEL, laneTitle } from './labels';
import { forEachVisibleRect, timeByState, type VariantSeries } from './laneData';
import { PngWriter, blobBase64 } from './png';
import { OUTLINE_MIN_HEIGHT, PATTERN_TILE, STATE_PATTERN, patternSvg } from './stateStyle';
import { paintSwatch, type Theme } from './theme';
import { drawLanes, newDrawStats } from './timelineDraw';

/** What an export gives: the file's content, or why it was refused (one sentence, localized). */
export type ExportResult = { ok: true; content: string } | { ok: false; reason: string };

/** The protocol refuses a saved file's content over 50 MB; stay under it with room to spare. */
export const MAX_EXPORT_CHARS = 48 * 1024 * 1024;
/** An SVG that tall (20 px a lane) is more than viewers open comfortably; CSV and Chrome trace hold any size. */
export const MAX_SVG_LANES = 5000;
/** Pixels of a PNG at most (about 1 100 × 100 000): decoded, a viewer holds 4 bytes for each. */
export const MAX_PNG_PIXELS = 120_000_000;
/** Rows rendered at a time: a band's canvas stays far inside every browser's canvas limits. */
export const PNG_BAND_ROWS = 2048;

function tooLarge(texts: Texts, format: string, lanes: number): ExportResult {
  return {
    ok: false,
    reason: texts.t('The chart is too large to export as {0} ({1} lanes). Export the CSV or the Chrome trace instead.', format, lanes.toLocaleString(texts.locale)),
  };
}

function laneCount(all: VariantSeries[]): number {
  return all.reduce((n, s) => n + s.lanes.length, 0);
}

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

/**
 * The timelines as a standalone SVG over `range` (ms), spans merged at the SVG's pixel width.
 * Refused above MAX_SVG_LANES lanes, or when the text would pass MAX_EXPORT_CHARS (checked as it grows).
 */
export function timelineSvg(all: VariantSeries[], range: [number, number], theme: Theme, texts: Texts): ExportResult {
  const lanes = laneCount(all);
  if (lanes > MAX_SVG_LANES) return tooLarge(texts, 'SVG', lanes);
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
  let size = 0;
  let y = 10;
  const k = plotW / (range[1] - range[0] || 1);
  for (const series of all) {
    if (size > MAX_EXPORT_CHARS) break;
    parts.push(`<text x="0" y="${y + 14}" font-weight="bold">${xml(texts.variant(series.variant.title))} — ${xml(texts.ms(series.variant.wallUs / 1000))}</text>`);
    y += 24;
    for (const lane of series.lanes) {
      const start = parts.length;
      parts.push(`<text x="0" y="${y + 14}">${xml(laneTitle(lane.lane, texts.t.bind(texts)))}</text>`);
      const mid = y + laneH / 2;
      forEachVisibleRect(lane, range[0], range[1], { origin: labelW - range[0] * k, perMs: k }, (state, x0, x1) => {
        const h = Math.max((laneH - 4) * theme.stateHeight[state], 1);
        const rect = `x="${x0.toFixed(1)}" y="${(mid - h / 2).toFixed(1)}" width="${Math.max(x1 - x0, 1).toFixed(1)}" height="${h.toFixed(1)}"`;
        parts.push(`<rect ${rect} fill="${theme.stateFill[state]}"/>`);
        if (patterned[state]) parts.push(`<rect ${rect} fill="url(#p-${LANE_STATES[state]})"${outline(state)}/>`);
        else if (outline(state)) parts.push(`<rect ${rect} fill="none"${outline(state)}/>`);
      });
      for (let i = start; i < parts.length; i++) size += parts[i].length;
      if (size > MAX_EXPORT_CHARS) break;
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
  if (size > MAX_EXPORT_CHARS) return tooLarge(texts, 'SVG', lanes);
  const height = y + Math.ceil(LANE_STATES.length / perRow) * 20 + 10;
  const content =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">` +
    `<defs>${defs}</defs><rect width="100%" height="100%" fill="${theme.background}"/><g fill="${theme.foreground}" color="${theme.foreground}">` +
    parts.join('') +
    legend +
    '</g></svg>\n';
  return content.length > MAX_EXPORT_CHARS ? tooLarge(texts, 'SVG', lanes) : { ok: true, content };
}

/** What the PNG shows: the wall-time chart as drawn on screen, then every timeline drawn from its data. */
export interface PngSpec {
  /** The wall-time chart's canvas (device pixels) and its title. */
  timing?: { title: string; canvas: HTMLCanvasElement };
  timelines: { title: string; series: VariantSeries }[];
  /** Time range shown (ms), the chart width and lane-name column in CSS pixels, as on screen. */
  range: [number, number];
  width: number;
  labelWidth: number;
  theme: Theme;
  texts: Texts;
}

/** A horizontal strip of the image: `draw` paints it with its top at `y` (band coordinates). */
interface Block {
  height: number;
  draw(g: CanvasRenderingContext2D, y: number, from: number, to: number): void;
}

const PNG_LANE = 26;
const PNG_TITLE = 22;
const PNG_AXIS = 28;
const PNG_LEGEND_ROW = 20;

/**
 * The charts as one PNG (base64), at the screen's pixel ratio when that fits MAX_PNG_PIXELS, else
 * smaller down to one pixel per CSS pixel, else refused. Drawn in bands of PNG_BAND_ROWS rows into
 * one small canvas, so any number of lanes up to the limit gives a whole image.
 */
export async function chartPng(spec: PngSpec): Promise<ExportResult> {
  const { theme, texts, range } = spec;
  const dpr = window.devicePixelRatio || 1;
  const lanes = spec.timelines.reduce((n, x) => n + x.series.lanes.length, 0);
  const width = Math.max(900, Math.round(spec.width), spec.timing ? Math.round(spec.timing.canvas.width / dpr) : 0);
  const perRow = Math.max(1, Math.floor(width / 330));
  const cssHeight =
    (spec.timing ? PNG_TITLE + spec.timing.canvas.height / dpr : 0) +
    spec.timelines.reduce((h, x) => h + PNG_TITLE + x.series.lanes.length * PNG_LANE + PNG_AXIS, 0) +
    Math.ceil(LANE_STATES.length / perRow) * PNG_LEGEND_ROW +
    10;
  const scale = Math.min(dpr, Math.sqrt(MAX_PNG_PIXELS / (width * cssHeight)));
  if (scale < 1) return tooLarge(texts, 'PNG', lanes);
  const s = scale;
  const W = Math.round(width * s);
  const blocks: Block[] = [];
  const text = (g: CanvasRenderingContext2D, value: string, x: number, y: number, bold = false): void => {
    g.font = `${bold ? 'bold ' : ''}${(bold ? 13 : 12) * s}px sans-serif`;
    g.fillStyle = theme.foreground;
    g.fillText(value, x, y);
  };
  const title = (value: string): Block => ({ height: PNG_TITLE * s, draw: (g, y) => text(g, value, 4 * s, y + 16 * s, true) });

  if (spec.timing) {
    const { canvas } = spec.timing;
    blocks.push(title(spec.timing.title), { height: (canvas.height / dpr) * s, draw: (g, y) => g.drawImage(canvas, 0, y, (canvas.width / dpr) * s, (canvas.height / dpr) * s) });
  }
  const labelW = spec.labelWidth * s;
  const plotW = W - labelW - 10 * s;
  const k = plotW / (range[1] - range[0] || 1);
  const step = niceStep(range[1] - range[0] || 1);
  const ticks: number[] = [];
  for (let v = Math.ceil(range[0] / step) * step; v <= range[1]; v += step) ticks.push(v);
  const stats = newDrawStats();
  const t = texts.t.bind(texts);
  for (const { title: name, series } of spec.timelines) {
    const laneH = PNG_LANE * s;
    const n = series.lanes.length;
    blocks.push(title(name), {
      height: n * laneH,
      draw: (g, y, from, to) => {
        const first = Math.max(0, Math.floor(from / laneH));
        const count = Math.min(n, Math.ceil(to / laneH)) - first;
        if (count <= 0) return;
        const top = y + first * laneH;
        g.fillStyle = theme.grid;
        for (const v of ticks) g.fillRect(Math.round(labelW + (v - range[0]) * k), top, Math.max(1, Math.round(s)), count * laneH);
        // Names end at the lanes, as on screen; a name too long is cut at the image's edge.
        g.save();
        g.textBaseline = 'middle';
        g.textAlign = 'right';
        for (let i = first; i < first + count; i++) text(g, laneTitle(series.lanes[i].lane, t), labelW - 8 * s, top + (i - first + 0.5) * laneH);
        g.restore();
        drawLanes(g, { left: labelW, top, width: plotW, height: count * laneH }, range, series, theme, s, stats, { first, count });
      },
    });
    blocks.push({
      height: PNG_AXIS * s,
      draw: (g, y) => {
        g.fillStyle = theme.grid;
        g.fillRect(labelW, y + 2 * s, plotW, Math.max(1, Math.round(s)));
        g.textAlign = 'center';
        for (const v of ticks) {
          const x = labelW + (v - range[0]) * k;
          g.fillStyle = theme.grid;
          g.fillRect(Math.round(x), y + 2 * s, Math.max(1, Math.round(s)), 4 * s);
          text(g, `${+v.toPrecision(6)} ms`, x, y + 18 * s);
        }
        g.textAlign = 'start';
      },
    });
  }
  // The legend: each swatch painted as the chart paints that state.
  const swatch = document.createElement('canvas');
  blocks.push({
    height: (Math.ceil(LANE_STATES.length / perRow) * PNG_LEGEND_ROW + 10) * s,
    draw: (g, y) => {
      LANE_STATES.forEach((state, i) => {
        const x = ((i % perRow) * 330 + 4) * s;
        const ly = y + (Math.floor(i / perRow) * PNG_LEGEND_ROW + 4) * s;
        paintSwatch(swatch, theme, i);
        g.drawImage(swatch, x, ly, 28 * s, 14 * s);
        text(g, t(STATE_LABEL[state]), x + 34 * s, ly + 11 * s);
      });
    },
  });

  const H = Math.round(blocks.reduce((h, b) => h + b.height, 0));
  const band = document.createElement('canvas');
  band.width = W;
  band.height = Math.min(PNG_BAND_ROWS, H);
  const g = band.getContext('2d', { willReadFrequently: true });
  if (!g) return tooLarge(texts, 'PNG', lanes);
  const png = new PngWriter(W, H);
  try {
    for (let y0 = 0; y0 < H; y0 += band.height) {
      const rows = Math.min(band.height, H - y0);
      g.fillStyle = theme.background;
      g.fillRect(0, 0, W, band.height);
      let top = 0;
      for (const b of blocks) {
        if (top < y0 + rows && top + b.height > y0) b.draw(g, top - y0, Math.max(0, y0 - top), Math.min(b.height, y0 + rows - top));
        top += b.height;
      }
      await png.addRows(g.getImageData(0, 0, W, rows).data, rows);
      // A tall image takes seconds: let the panel paint and answer between bands.
      await new Promise((resolve) => setTimeout(resolve));
    }
    const content = await blobBase64(await png.finish());
    return content.length > MAX_EXPORT_CHARS ? tooLarge(texts, 'PNG', lanes) : { ok: true, content };
  } catch (err) {
    await png.abort();
    throw err;
  }
}
