/**
 * Wall time of every variant side by side, each bar split into where the time went (start-up, each
 * lane state, finished early) for the average work lane, with the ideal (perfect scaling from the
 * baseline) as a dashed line across it — so the gap between the two is explained by measured parts.
 * uPlot gives the axes and scales; the bars are drawn in its draw hook so the ideal marks share
 * their geometry.
 */
import uPlot from 'uplot';
import { BREAKDOWN_PARTS, type BreakdownPart } from '../shared/breakdown';
import type { VariantFigures } from '../shared/figures';
import { PART_KEYS } from '../shared/findings';
import { LANE_STATES, type LaneState } from '../shared/trace';
import type { Texts } from './i18n';
import type { Theme } from './theme';

/** Parts smaller than this share of every bar are left out of the legend. */
const LEGEND_MIN_SHARE = 0.005;

function stateIndex(part: BreakdownPart): number {
  return LANE_STATES.indexOf(part as LaneState);
}

/** Fills a rectangle as the bar draws the part: state colour and pattern, or the start-up/ended fills. */
export function fillPart(g: CanvasRenderingContext2D, theme: Theme, part: BreakdownPart, x: number, y: number, w: number, h: number): void {
  if (h <= 0 || w <= 0) return;
  if (part === 'untraced') return; // left empty: no span says what happened
  const i = stateIndex(part);
  g.fillStyle = part === 'startup' ? theme.startupFill : part === 'ended' ? theme.endedFill : theme.stateFill[i];
  g.fillRect(x, y, w, h);
  const pattern = i >= 0 ? theme.statePattern[i] : null;
  if (pattern) {
    g.fillStyle = pattern;
    g.fillRect(x, y, w, h);
  }
}

export class TimingChart {
  readonly root: HTMLDivElement;
  readonly legend: HTMLUListElement;
  private readonly plot: uPlot;
  private readonly parts: BreakdownPart[];
  private readonly swatches: { canvas: HTMLCanvasElement; part: BreakdownPart }[] = [];

  constructor(
    private readonly figures: VariantFigures[],
    private readonly theme: () => Theme,
    private readonly texts: Texts,
    width: number,
  ) {
    const t = texts.t.bind(texts);
    this.parts = BREAKDOWN_PARTS.filter((p) => figures.some((f) => f.share[p] >= LEGEND_MIN_SHARE));
    this.root = document.createElement('div');
    this.root.className = 'timing';
    this.root.setAttribute('role', 'img');
    this.root.setAttribute('aria-label', figures.map((f) => this.describe(f)).join('; '));
    const n = figures.length;
    const top = Math.max(1, ...figures.map((f) => Math.max(f.wallMs, f.idealMs ?? 0))) * 1.18;
    const font = `12px ${getComputedStyle(document.body).getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`;
    this.plot = new uPlot(
      {
        width,
        height: 170, // short: the timelines below are the heart of the panel and should start above the fold
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { auto: false, range: [0, top] } },
        series: [{}, { paths: () => null, points: { show: false } }],
        axes: [
          {
            stroke: () => theme().foreground,
            font,
            grid: { show: false },
            ticks: { show: false },
            splits: () => figures.map((_f, i) => i),
            values: (_u, splits) => splits.map((i) => figures[i]?.title ?? ''),
          },
          {
            stroke: () => theme().foreground,
            font,
            grid: { stroke: () => theme().grid, width: 1 },
            ticks: { stroke: () => theme().grid },
            size: 64,
            values: (_u, splits) => splits.map((v) => `${+v.toPrecision(4)} ms`),
          },
        ],
        hooks: { draw: [(u) => this.draw(u)] },
      },
      [figures.map((_f, i) => i), figures.map((f) => f.wallMs)],
      this.root,
    );
    this.plot.over.addEventListener('mousemove', (e) => this.hover(e));
    this.legend = document.createElement('ul');
    this.legend.className = 'breakdown-legend';
    this.legend.setAttribute('aria-label', t('Where the time went'));
    for (const part of this.parts) {
      const li = document.createElement('li');
      const canvas = document.createElement('canvas');
      canvas.setAttribute('aria-hidden', 'true');
      this.swatches.push({ canvas, part });
      const label = document.createElement('span');
      label.textContent = t(PART_KEYS[part]);
      li.append(canvas, label);
      this.legend.append(li);
    }
    this.paintSwatches();
  }

  /** "Threads: 1 626 ms (ideal 742 ms): start-up 6%, computing 45%, waiting for the GIL 43%". */
  private describe(f: VariantFigures): string {
    const t = this.texts.t.bind(this.texts);
    const parts = this.parts.filter((p) => f.share[p] >= LEGEND_MIN_SHARE).map((p) => `${t(PART_KEYS[p])} ${this.texts.pct(f.share[p])}`);
    const ideal = f.idealMs !== undefined ? ` (${t('ideal')} ${this.texts.ms(f.idealMs)})` : '';
    return `${f.title}: ${this.texts.ms(f.wallMs)}${ideal}${parts.length ? `: ${parts.join(', ')}` : ''}`;
  }

  private barGeometry(u: uPlot, dpr: number): { barW: number; base: number } {
    const slot = u.bbox.width / Math.max(this.figures.length, 1);
    return { barW: Math.min(slot * 0.5, 120 * dpr), base: u.valToPos(0, 'y', true) };
  }

  private draw(u: uPlot): void {
    const theme = this.theme();
    const ctx = u.ctx;
    const dpr = ctx.canvas.width / u.width || 1;
    const { barW, base } = this.barGeometry(u, dpr);
    ctx.save();
    ctx.font = `${11 * dpr}px sans-serif`;
    ctx.textAlign = 'center';
    this.figures.forEach((f, i) => {
      const cx = u.valToPos(i, 'x', true);
      const y = u.valToPos(f.wallMs, 'y', true);
      const x = cx - barW / 2;
      // Stacked from the bottom in the order of BREAKDOWN_PARTS: start-up first, finished last.
      let acc = 0;
      for (const part of BREAKDOWN_PARTS) {
        const ms = f.breakdown.parts[part] / 1000;
        if (ms <= 0) continue;
        const y0 = u.valToPos(acc, 'y', true);
        const y1 = u.valToPos(acc + ms, 'y', true);
        fillPart(ctx, theme, part, x, y1, barW, y0 - y1);
        acc += ms;
      }
      ctx.strokeStyle = f.error || f.outcome?.ok === false ? theme.error : (theme.outline ?? theme.foreground);
      ctx.lineWidth = (f.error || f.outcome?.ok === false ? 2 : 1) * dpr;
      ctx.strokeRect(x, y, barW, base - y);
      ctx.fillStyle = theme.foreground;
      // Above the bar, or above the ideal mark when that is higher, so the two never overlap.
      const labelY = Math.min(y, f.idealMs === undefined ? y : u.valToPos(f.idealMs, 'y', true) - 6 * dpr) - 4 * dpr;
      ctx.fillText(`${this.texts.ms(f.wallMs)} · ${this.texts.ratio(f.speedup)}`, cx, labelY);
      if (f.idealMs !== undefined) {
        const iy = u.valToPos(f.idealMs, 'y', true);
        ctx.strokeStyle = theme.foreground;
        ctx.lineWidth = 2 * dpr;
        ctx.setLineDash([5 * dpr, 3 * dpr]);
        ctx.beginPath();
        ctx.moveTo(x - 6 * dpr, iy);
        ctx.lineTo(x + barW + 6 * dpr, iy);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.textAlign = 'left';
        ctx.fillText(this.texts.t('ideal'), x + barW + 8 * dpr, iy + 4 * dpr);
        ctx.textAlign = 'center';
      }
    });
    ctx.restore();
  }

  /** Names the part under the pointer in the tooltip: which bar, which part, how long. */
  private hover(e: MouseEvent): void {
    const u = this.plot;
    const { barW, base } = this.barGeometry(u, 1);
    const i = Math.round(u.posToVal(e.offsetX, 'x'));
    const f = this.figures[i];
    const cx = f ? u.valToPos(i, 'x') : NaN;
    if (!f || Math.abs(e.offsetX - cx) > barW / 2 || e.offsetY > base) {
      this.root.title = '';
      return;
    }
    const ms = u.posToVal(e.offsetY, 'y');
    let acc = 0;
    for (const part of BREAKDOWN_PARTS) {
      const len = f.breakdown.parts[part] / 1000;
      if (len > 0 && ms >= acc && ms <= acc + len) {
        this.root.title = `${f.title} — ${this.texts.t(PART_KEYS[part])}: ${this.texts.ms(len)} (${this.texts.pct(f.share[part])})`;
        return;
      }
      acc += len;
    }
    this.root.title = this.describe(f);
  }

  private paintSwatches(): void {
    const theme = this.theme();
    const dpr = window.devicePixelRatio || 1;
    for (const { canvas, part } of this.swatches) {
      canvas.width = 14 * dpr;
      canvas.height = 14 * dpr;
      canvas.style.width = '14px';
      canvas.style.height = '14px';
      const g = canvas.getContext('2d');
      if (!g) continue;
      g.scale(dpr, dpr);
      fillPart(g, theme, part, 0, 0, 14, 14);
      g.strokeStyle = theme.outline ?? theme.grid;
      g.strokeRect(0.5, 0.5, 13, 13);
    }
  }

  get canvas(): HTMLCanvasElement {
    return this.plot.ctx.canvas;
  }

  redraw(): void {
    this.paintSwatches();
    this.plot.redraw(false, true);
  }

  setWidth(width: number): void {
    if (Math.abs(width - this.plot.width) >= 1) this.plot.setSize({ width, height: this.plot.height });
  }

  destroy(): void {
    this.plot.destroy();
  }
}
