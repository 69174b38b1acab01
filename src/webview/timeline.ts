/**
 * One variant's thread-state timeline: a uPlot chart (axes, x scale, cursor, drag-zoom) whose lanes
 * are painted by `drawLanes` in the draw hook. Wheel zooms, shift+wheel pans, keys do both; every
 * change goes through the shared time scale so all variants move together.
 *
 * A variant with more lanes than fit in `MAX_VISIBLE_LANES` gets a chart that tall, inside a box
 * that scrolls vertically over a spacer as tall as all lanes: the chart stays put (sticky) and
 * shows the lanes under the scroll position. A frame's work is bounded by that window, never by the
 * variant's lane count, and the canvas stays far below the browser's size limits.
 */
import uPlot from 'uplot';
import { LANE_STATES, MARK_KINDS } from '../shared/trace';
import type { Texts } from './i18n';
import { MARK_LABEL, STATE_LABEL, laneTitle } from './labels';
import { lowerBound, spanAt, type LaneSeries, type VariantSeries } from './laneData';
import { parseWhere, requestOpen, type SourcePlace } from './sourceLinks';
import { spanSentence } from './spanWords';
import type { SharedTimeScale } from './timeScale';
import type { Theme } from './theme';
import { drawLanes, newDrawStats, type DrawStats, type LaneWindow } from './timelineDraw';

const LANE_HEIGHT = 26;
const X_AXIS_HEIGHT = 34;
/** Lanes a chart shows at once; more scroll. The lessons' default runs (17 lanes at most) fit. */
export const MAX_VISIBLE_LANES = 24;

export interface TimelineContext {
  scale: SharedTimeScale;
  /** Width of the lane-name column, the same for every variant so their time axes line up. */
  labelWidth: number;
  theme: () => Theme;
  texts: Texts;
  /** Called after each frame this chart draws. */
  onDrawn?: () => void;
  /** Called when drawing this chart's lanes threw (the run's data is at fault, or this code). */
  onFailed?: (err: unknown) => void;
}

export class TimelineChart {
  readonly root: HTMLDivElement;
  readonly stats: DrawStats = newDrawStats();
  private readonly plot: uPlot;
  private readonly tooltip: HTMLDivElement;
  /** Lanes shown at once, and the (fractional) lane at the top: the scroll position in lanes. */
  private readonly window: LaneWindow;
  private scrollFrame = 0;
  private failed = false;
  /** Hears the time under the pointer (ms), null when it leaves; see `onHover`. */
  private readonly hoverListeners = new Set<(ms: number | null) => void>();
  /** A time marked from outside (an output line), drawn as a solid line; null: none. */
  private cursorMs: number | null = null;
  private readonly cursorLine: HTMLDivElement;

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
    const t = texts.t.bind(texts);
    const n = series.lanes.length;
    const shown = Math.max(1, Math.min(n, MAX_VISIBLE_LANES));
    this.window = { first: 0, count: shown };
    // y runs from n at the top lane to 0 at the bottom one; the window is [n - first - count, n - first].
    const label = (split: number): string => {
      const lane = series.lanes[Math.round(n - 0.5 - split)];
      return lane ? laneTitle(lane.lane, t) : '';
    };
    const full = ctx.scale.fullRange;
    const axisFont = axisFontOf();
    const height = shown * LANE_HEIGHT + X_AXIS_HEIGHT;
    const scrolls = n > shown;
    const opts: uPlot.Options = {
      // A scrolling chart leaves room for its scroll bar.
      width: scrolls ? width - scrollbarWidth() : width,
      height,
      legend: { show: false },
      scales: {
        x: { time: false, range: (_u, lo, hi) => [lo, hi] },
        y: { auto: false, range: (_u, lo, hi) => [lo, hi] },
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
          // Only the lanes in the window: labels are made for what is shown.
          splits: (_u, _axis, min, max) => {
            const out: number[] = [];
            for (let c = Math.floor(min) + 0.5; c <= max; c++) if (c >= min) out.push(c);
            return out;
          },
          values: (_u, splits) => splits.map(label),
        },
      ],
      hooks: {
        draw: [(u) => this.draw(u)],
        setScale: [(u, key) => key === 'x' && ctx.scale.chartChanged(u)],
      },
    };
    // The chart sits in a sticky stage over a spacer as tall as every lane; the root scrolls.
    const stage = document.createElement('div');
    stage.className = 'timeline-stage';
    if (scrolls) {
      this.root.classList.add('scrolls');
      this.root.style.height = `${height}px`;
      const spacer = document.createElement('div');
      spacer.className = 'timeline-spacer';
      spacer.style.height = `${n * LANE_HEIGHT + X_AXIS_HEIGHT}px`;
      spacer.append(stage);
      this.root.append(spacer);
      this.root.addEventListener('scroll', () => this.onScroll(), { passive: true });
    } else this.root.append(stage);
    this.plot = new uPlot(opts, [
      [full[0], full[1]],
      [null, null],
    ], stage);
    this.plot.setScale('y', { min: n - shown, max: n });
    ctx.scale.register(this.plot);
    const [min, max] = ctx.scale.range;
    if (min !== full[0] || max !== full[1]) this.plot.setScale('x', { min, max });

    this.tooltip = document.createElement('div');
    this.tooltip.className = 'tooltip';
    this.tooltip.hidden = true;
    this.tooltip.setAttribute('role', 'tooltip');
    this.plot.over.append(this.tooltip);
    this.cursorLine = document.createElement('div');
    this.cursorLine.className = 'timeline-cursor';
    this.cursorLine.hidden = true;
    this.cursorLine.setAttribute('aria-hidden', 'true');
    this.cursorLine.append(document.createElement('span'));
    this.plot.over.append(this.cursorLine);
    this.listen();
  }

  private draw(u: uPlot): void {
    const { min, max } = u.scales.x;
    if (min === undefined || max === undefined || this.failed) return;
    try {
      drawLanes(u.ctx, u.bbox, [min, max], this.series, this.ctx.theme(), u.ctx.canvas.width / u.width || 1, this.stats, this.window);
    } catch (err) {
      // Reported once; the panel drops the run rather than show a half-drawn chart.
      this.failed = true;
      this.ctx.onFailed?.(err);
      return;
    }
    this.placeCursor();
    this.ctx.onDrawn?.();
  }

  /** Listens to the time under the pointer while it is over the lanes (null when it leaves), so
   *  other parts of the panel can follow it without knowing the chart. Returns the unsubscribe. */
  onHover(listener: (ms: number | null) => void): () => void {
    this.hoverListeners.add(listener);
    return () => this.hoverListeners.delete(listener);
  }

  /** Puts the cursor at `ms` (null removes it), panning the shared time axis when it is out of view. */
  setCursor(ms: number | null): void {
    this.cursorMs = ms === null || !Number.isFinite(ms) ? null : ms;
    const [min, max] = this.ctx.scale.range;
    if (this.cursorMs !== null && (this.cursorMs < min || this.cursorMs > max)) {
      const half = (max - min) / 2;
      this.ctx.scale.request([this.cursorMs - half, this.cursorMs + half]);
    }
    this.placeCursor();
  }

  /** Where the cursor is (ms), or null. */
  get cursor(): number | null {
    return this.cursorMs;
  }

  private placeCursor(): void {
    const ms = this.cursorMs;
    const { min, max } = this.plot.scales.x;
    const shown = ms !== null && min !== undefined && max !== undefined && ms >= min && ms <= max;
    this.cursorLine.hidden = !shown;
    if (!shown) return;
    const x = this.plot.valToPos(ms, 'x');
    this.cursorLine.style.left = `${x - 1}px`;
    // The label reads to the right of the line, or to its left near the right edge.
    this.cursorLine.classList.toggle('flip', x > this.plot.over.clientWidth - 90);
    (this.cursorLine.firstChild as HTMLElement).textContent = this.ctx.texts.ms(ms);
  }

  /** Client x of time `ms` on this chart (for tests). */
  clientXOf(ms: number): number {
    return this.plot.over.getBoundingClientRect().left + this.plot.valToPos(ms, 'x');
  }

  private hovered(ms: number | null): void {
    for (const listener of this.hoverListeners) listener(ms);
  }

  /** The scroll position moved: show the lanes under it on the next frame. */
  private onScroll(): void {
    if (this.scrollFrame) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = 0;
      const n = this.series.lanes.length;
      const first = Math.min(Math.max(this.root.scrollTop / LANE_HEIGHT, 0), n - this.window.count);
      if (first === this.window.first) return;
      this.window.first = first;
      this.plot.setScale('y', { min: n - first - this.window.count, max: n - first });
    });
  }

  /** The lanes shown: the first (fractional while scrolling) and how many fit. */
  get laneWindow(): LaneWindow {
    return { ...this.window };
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
    over.addEventListener('mousemove', (e) => {
      this.showTooltip(e.clientX, e.clientY);
      if (this.hoverListeners.size) this.hovered(this.plot.posToVal(e.clientX - over.getBoundingClientRect().left, 'x'));
      // A span with a place in the code is a link.
      over.style.cursor = this.placeAt(e.clientX, e.clientY) ? 'pointer' : '';
    });
    over.addEventListener('mouseleave', () => {
      this.tooltip.hidden = true;
      this.hovered(null);
    });
    // A click opens the span's code; a drag (zoom) that ends on a span does not.
    let down: { x: number; y: number } | undefined;
    over.addEventListener('mousedown', (e) => (down = { x: e.clientX, y: e.clientY }));
    over.addEventListener('click', (e) => {
      const moved = down ? Math.hypot(e.clientX - down.x, e.clientY - down.y) : 0;
      down = undefined;
      if (moved > 3 || e.button !== 0) return;
      const place = this.placeAt(e.clientX, e.clientY);
      if (place) requestOpen(this.root, place);
    });
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

  /** The lane, span (-1: none) and mark (-1: none) under client (x, y), or null off the lanes. */
  private hitAt(clientX: number, clientY: number): { lane: LaneSeries; span: number; mark: number } | null {
    const rect = this.plot.over.getBoundingClientRect();
    const x = clientX - rect.left;
    const y = clientY - rect.top;
    const n = this.series.lanes.length;
    if (x < 0 || y < 0 || x > rect.width || y > rect.height || n === 0) return null;
    const lane = this.series.lanes[Math.min(n - 1, Math.floor(this.window.first + (y / rect.height) * this.window.count))];
    if (!lane) return null;
    const ms = this.plot.posToVal(x, 'x');
    const slack = Math.abs(this.plot.posToVal(x + 3, 'x') - ms);
    const m = lowerBound(lane.markAt, ms - slack);
    const mark = m < lane.markAt.length && lane.markAt[m] <= ms + slack ? m : -1;
    return { lane, span: spanAt(lane, ms, slack), mark };
  }

  /** The place in the code of the span under client (x, y), when the trace says where it began. */
  placeAt(clientX: number, clientY: number): SourcePlace | undefined {
    const hit = this.hitAt(clientX, clientY);
    return hit && hit.span >= 0 ? parseWhere(hit.lane.wheres.get(hit.span)) : undefined;
  }

  /**
   * The tooltip text for the point under client (x, y), or null when no span is near. Lines: the
   * facts (lane, state, start, duration, a mark), the span in words with its place in the code, and
   * how to open that place.
   */
  tooltipAt(clientX: number, clientY: number): string | null {
    const hit = this.hitAt(clientX, clientY);
    if (!hit) return null;
    const { lane, span: i, mark: m } = hit;
    const { t, ms: fmt } = { t: this.ctx.texts.t.bind(this.ctx.texts), ms: this.ctx.texts.ms.bind(this.ctx.texts) };
    const name = laneTitle(lane.lane, t);
    const parts: string[] = [];
    const lines: string[] = [];
    if (i >= 0) {
      const state = LANE_STATES[lane.states[i]];
      const duration = fmt(lane.ends[i] - lane.starts[i]);
      parts.push(name, t(STATE_LABEL[state]), t('start {0}', fmt(lane.starts[i])), t('duration {0}', duration));
      const where = lane.wheres.get(i);
      lines.push(spanSentence(state, lane.lane.name, duration, lane.notes.get(i), t) + (where ? ` — ${where}` : ''));
      if (where && parseWhere(where)) lines.push(t('Click to open {0} beside the panel.', where));
    }
    if (m >= 0) {
      if (!parts.length) parts.push(name);
      parts.push(t('{0} at {1}', t(MARK_LABEL[MARK_KINDS[lane.markKinds[m]]]), fmt(lane.markAt[m])));
    }
    return parts.length ? [parts.join(' · '), ...lines].join('\n') : null;
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

  /** Client point at the middle of the widest visible span of `state` in lane `laneIndex`, or null
   *  when there is none or the lane is scrolled out of the window (for tests). */
  pointOf(laneIndex: number, state: string): { x: number; y: number } | null {
    const lane = this.series.lanes[laneIndex];
    const s = LANE_STATES.indexOf(state as (typeof LANE_STATES)[number]);
    const row = laneIndex + 0.5 - this.window.first;
    if (!lane || s < 0 || row < 0 || row > this.window.count) return null;
    const [min, max] = this.ctx.scale.range;
    let best = -1;
    for (let i = 0; i < lane.starts.length; i++) {
      if (lane.states[i] !== s || lane.ends[i] < min || lane.starts[i] > max) continue;
      if (best < 0 || lane.ends[i] - lane.starts[i] > lane.ends[best] - lane.starts[best]) best = i;
    }
    if (best < 0) return null;
    const rect = this.plot.over.getBoundingClientRect();
    const mid = (Math.max(lane.starts[best], min) + Math.min(lane.ends[best], max)) / 2;
    return { x: rect.left + this.plot.valToPos(mid, 'x'), y: rect.top + (row * rect.height) / this.window.count };
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
    // A scrolling chart leaves room for its scroll bar.
    const w = width - (this.root.offsetWidth - this.root.clientWidth);
    if (Math.abs(w - this.plot.width) >= 1) this.plot.setSize({ width: w, height: this.plot.height });
  }

  destroy(): void {
    if (this.scrollFrame) cancelAnimationFrame(this.scrollFrame);
    this.hoverListeners.clear();
    this.ctx.scale.unregister(this.plot);
    this.plot.destroy();
  }
}

function axisFontOf(): string {
  return `12px ${getComputedStyle(document.body).getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`;
}

const measureCanvas = document.createElement('canvas').getContext('2d');

let scrollbar: number | undefined;

/** Width of a scrolling timeline's scroll bar (the theme may style it), measured once. */
function scrollbarWidth(): number {
  if (scrollbar === undefined) {
    const probe = document.createElement('div');
    probe.className = 'timeline scrolls';
    probe.style.height = '40px';
    probe.append(document.createElement('div'));
    (probe.firstChild as HTMLElement).style.height = '80px';
    document.body.append(probe);
    scrollbar = probe.offsetWidth - probe.clientWidth;
    probe.remove();
  }
  return scrollbar;
}

/** Labels measured at most: the longest by characters, which in practice hold the widest. */
const MEASURED_LABELS = 256;

/** The lane-name column wide enough for every label of every variant (capped, long names are cut by the canvas). */
export function labelColumnWidth(all: VariantSeries[], texts: Texts): number {
  const t = texts.t.bind(texts);
  if (measureCanvas) measureCanvas.font = axisFontOf();
  let labels = all.flatMap((s) => s.lanes.map((l) => laneTitle(l.lane, t)));
  if (labels.length > MEASURED_LABELS) {
    // The shortest length among the longest MEASURED_LABELS labels, found by counting (no sort).
    const counts: number[] = [];
    for (const l of labels) counts[l.length] = (counts[l.length] ?? 0) + 1;
    let atLeast = counts.length;
    for (let seen = 0; atLeast > 0 && seen < MEASURED_LABELS; ) seen += counts[--atLeast] ?? 0;
    labels = labels.filter((l) => l.length >= atLeast).slice(0, MEASURED_LABELS * 4);
  }
  let widest = 40;
  for (const l of labels) widest = Math.max(widest, measureCanvas ? measureCanvas.measureText(l).width : l.length * 7);
  return Math.ceil(Math.min(220, 18 + widest));
}
