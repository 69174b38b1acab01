/**
 * One variant's thread-state timeline: a uPlot chart (axes, x scale, cursor, drag-zoom) whose lanes
 * are painted by `drawLanes` in the draw hook. Wheel zooms, shift+wheel pans, keys do both; every
 * change goes through the shared time scale so all variants move together.
 */
import uPlot from 'uplot';
import { LANE_STATES, MARK_KINDS } from '../shared/trace';
import type { Texts } from './i18n';
import { MARK_LABEL, STATE_LABEL, laneTitle } from './labels';
import { lowerBound, spanAt, type VariantSeries } from './laneData';
import type { SharedTimeScale } from './timeScale';
import type { Theme } from './theme';
import { drawLanes, newDrawStats, type DrawStats } from './timelineDraw';

const LANE_HEIGHT = 26;
const X_AXIS_HEIGHT = 34;

export interface TimelineContext {
  scale: SharedTimeScale;
  /** Width of the lane-name column, the same for every variant so their time axes line up. */
  labelWidth: number;
  theme: () => Theme;
  texts: Texts;
  /** Called after each frame this chart draws. */
  onDrawn?: () => void;
}

export class TimelineChart {
  readonly root: HTMLDivElement;
  readonly stats: DrawStats = newDrawStats();
  private readonly plot: uPlot;
  private readonly tooltip: HTMLDivElement;

  constructor(
    readonly series: VariantSeries,
    private readonly ctx: TimelineContext,
    width: number,
  ) {
    const { texts } = ctx;
    this.root = document.createElement('div');
    this.root.className = 'timeline';
    this.root.tabIndex = 0;
    this.root.setAttribute('role', 'img');
    this.root.setAttribute(
      'aria-label',
      texts.t('Thread-state timeline of {0}: {1} lanes. Plus and minus zoom, arrow keys pan, 0 resets.', texts.variant(series.variant.title), series.lanes.length),
    );
    const labels = laneLabels(series, texts);
    const n = series.lanes.length;
    const full = ctx.scale.fullRange;
    const axisFont = axisFontOf();
    const opts: uPlot.Options = {
      width,
      height: Math.max(n, 1) * LANE_HEIGHT + X_AXIS_HEIGHT,
      legend: { show: false },
      scales: {
        x: { time: false, range: (_u, lo, hi) => [lo, hi] },
        y: { auto: false, range: [0, Math.max(n, 1)] },
      },
      series: [{}, { paths: () => null, points: { show: false } }],
      cursor: { y: false, points: { show: false }, drag: { x: true, y: false, setScale: true }, sync: { key: 'clab-timeline' } },
      axes: [
        {
          stroke: () => ctx.theme().foreground,
          grid: { stroke: () => ctx.theme().grid, width: 1 },
          ticks: { stroke: () => ctx.theme().grid },
          font: axisFont,
          size: X_AXIS_HEIGHT - 8,
          values: (_u, splits) => splits.map((v) => `${+v.toPrecision(6)} ms`),
        },
        {
          stroke: () => ctx.theme().foreground,
          font: axisFont,
          grid: { show: false },
          ticks: { show: false },
          size: ctx.labelWidth,
          splits: () => labels.map((_l, i) => n - i - 0.5),
          values: (_u, splits) => splits.map((s) => labels[Math.round(n - 0.5 - s)] ?? ''),
        },
      ],
      hooks: {
        draw: [(u) => this.draw(u)],
        setScale: [(u, key) => key === 'x' && ctx.scale.chartChanged(u)],
      },
    };
    this.plot = new uPlot(opts, [
      [full[0], full[1]],
      [null, null],
    ], this.root);
    ctx.scale.register(this.plot);
    const [min, max] = ctx.scale.range;
    if (min !== full[0] || max !== full[1]) this.plot.setScale('x', { min, max });

    this.tooltip = document.createElement('div');
    this.tooltip.className = 'tooltip';
    this.tooltip.hidden = true;
    this.tooltip.setAttribute('role', 'tooltip');
    this.plot.over.append(this.tooltip);
    this.listen();
  }

  private draw(u: uPlot): void {
    const { min, max } = u.scales.x;
    if (min === undefined || max === undefined) return;
    const box = u.bbox;
    drawLanes(u.ctx, box, [min, max], this.series, this.ctx.theme(), u.ctx.canvas.width / u.width || 1, this.stats);
    this.ctx.onDrawn?.();
  }

  private listen(): void {
    const over = this.plot.over;
    over.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const rect = over.getBoundingClientRect();
        const ms = this.plot.posToVal(e.clientX - rect.left, 'x');
        const [min, max] = this.ctx.scale.range;
        const pan = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
        if (pan) this.ctx.scale.panBy(((e.shiftKey ? e.deltaY : e.deltaX) * (max - min)) / Math.max(rect.width, 1));
        else this.ctx.scale.zoomAt(ms, Math.exp(Math.max(-200, Math.min(200, e.deltaY)) * 0.002));
      },
      { passive: false },
    );
    over.addEventListener('mousemove', (e) => this.showTooltip(e.clientX, e.clientY));
    over.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
    over.addEventListener('dblclick', () => this.ctx.scale.request(this.ctx.scale.fullRange));
    this.root.addEventListener('keydown', (e) => {
      const [min, max] = this.ctx.scale.range;
      const mid = (min + max) / 2;
      const step = (max - min) / 5;
      const actions: Record<string, () => void> = {
        '+': () => this.ctx.scale.zoomAt(mid, 0.7),
        '=': () => this.ctx.scale.zoomAt(mid, 0.7),
        '-': () => this.ctx.scale.zoomAt(mid, 1 / 0.7),
        ArrowLeft: () => this.ctx.scale.panBy(-step),
        ArrowRight: () => this.ctx.scale.panBy(step),
        '0': () => this.ctx.scale.request(this.ctx.scale.fullRange),
      };
      const action = actions[e.key];
      if (action) {
        e.preventDefault();
        action();
      }
    });
  }

  /** The tooltip text for the point under client (x, y), or null when no span is near. */
  tooltipAt(clientX: number, clientY: number): string | null {
    const rect = this.plot.over.getBoundingClientRect();
    const x = clientX - rect.left;
    const y = clientY - rect.top;
    const n = this.series.lanes.length;
    if (x < 0 || y < 0 || x > rect.width || y > rect.height || n === 0) return null;
    const lane = this.series.lanes[Math.min(n - 1, Math.floor((y / rect.height) * n))];
    const ms = this.plot.posToVal(x, 'x');
    const slack = Math.abs(this.plot.posToVal(x + 3, 'x') - ms);
    const { t, ms: fmt } = { t: this.ctx.texts.t.bind(this.ctx.texts), ms: this.ctx.texts.ms.bind(this.ctx.texts) };
    const name = laneTitle(lane.lane, t);
    const parts: string[] = [];
    const i = spanAt(lane, ms, slack);
    if (i >= 0) {
      const state = LANE_STATES[lane.states[i]];
      parts.push(name, t(STATE_LABEL[state]), t('start {0}', fmt(lane.starts[i])), t('duration {0}', fmt(lane.ends[i] - lane.starts[i])));
      const note = lane.notes.get(i);
      if (note) parts.push(note);
      const where = lane.wheres.get(i);
      if (where) parts.push(t('at {0}', where));
    }
    const m = lowerBound(lane.markAt, ms - slack);
    if (m < lane.markAt.length && lane.markAt[m] <= ms + slack) {
      if (!parts.length) parts.push(name);
      parts.push(t('{0} at {1}', t(MARK_LABEL[MARK_KINDS[lane.markKinds[m]]]), fmt(lane.markAt[m])));
    }
    return parts.length ? parts.join(' · ') : null;
  }

  private showTooltip(clientX: number, clientY: number): void {
    const text = this.tooltipAt(clientX, clientY);
    this.tooltip.hidden = text === null;
    if (text === null) return;
    this.tooltip.textContent = text;
    const rect = this.plot.over.getBoundingClientRect();
    const x = clientX - rect.left;
    const y = clientY - rect.top;
    // Keep the tooltip inside the plot: right of the pointer, else left of it, else pushed in from the edge.
    const w = this.tooltip.offsetWidth;
    const right = x + 12;
    const left = x - 12 - w;
    const at = right + w <= rect.width ? right : left >= 0 ? left : Math.max(0, rect.width - w);
    this.tooltip.style.left = `${at}px`;
    this.tooltip.style.top = `${Math.max(0, y - 14 - this.tooltip.offsetHeight)}px`;
  }

  /** Client point at the middle of the widest visible span of `state` in lane `laneIndex` (for tests). */
  pointOf(laneIndex: number, state: string): { x: number; y: number } | null {
    const lane = this.series.lanes[laneIndex];
    const s = LANE_STATES.indexOf(state as (typeof LANE_STATES)[number]);
    if (!lane || s < 0) return null;
    const [min, max] = this.ctx.scale.range;
    let best = -1;
    for (let i = 0; i < lane.starts.length; i++) {
      if (lane.states[i] !== s || lane.ends[i] < min || lane.starts[i] > max) continue;
      if (best < 0 || lane.ends[i] - lane.starts[i] > lane.ends[best] - lane.starts[best]) best = i;
    }
    if (best < 0) return null;
    const rect = this.plot.over.getBoundingClientRect();
    const mid = (Math.max(lane.starts[best], min) + Math.min(lane.ends[best], max)) / 2;
    const n = this.series.lanes.length;
    return { x: rect.left + this.plot.valToPos(mid, 'x'), y: rect.top + ((laneIndex + 0.5) * rect.height) / n };
  }

  get canvas(): HTMLCanvasElement {
    return this.plot.ctx.canvas;
  }

  get xRange(): [number, number] {
    return [this.plot.scales.x.min ?? NaN, this.plot.scales.x.max ?? NaN];
  }

  redraw(): void {
    this.plot.redraw(false, true);
  }

  setWidth(width: number): void {
    if (Math.abs(width - this.plot.width) >= 1) this.plot.setSize({ width, height: this.plot.height });
  }

  destroy(): void {
    this.ctx.scale.unregister(this.plot);
    this.plot.destroy();
  }
}

function axisFontOf(): string {
  return `12px ${getComputedStyle(document.body).getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`;
}

function laneLabels(series: VariantSeries, texts: Texts): string[] {
  const t = texts.t.bind(texts);
  return series.lanes.map((l) => laneTitle(l.lane, t));
}

const measureCanvas = document.createElement('canvas').getContext('2d');

/** The lane-name column wide enough for every label of every variant (capped, long names are cut by the canvas). */
export function labelColumnWidth(all: VariantSeries[], texts: Texts): number {
  const font = axisFontOf();
  if (measureCanvas) measureCanvas.font = font;
  let widest = 40;
  for (const s of all) for (const l of laneLabels(s, texts)) widest = Math.max(widest, measureCanvas ? measureCanvas.measureText(l).width : l.length * 7);
  return Math.ceil(Math.min(220, 18 + widest));
}
