/**
 * One time axis shared by every variant's timeline: zooming or panning one zooms and pans all, so
 * variants compare at a glance. Requests from wheel and keys are coalesced and applied once per
 * animation frame; a drag-zoom on one chart is copied to the others at once.
 */
import type uPlot from 'uplot';

export type Range = [min: number, max: number];

/** Narrowest window: one microsecond, the trace's resolution. */
const MIN_WIDTH_MS = 0.001;

export class SharedTimeScale {
  private readonly charts = new Set<uPlot>();
  private full: Range = [0, 1];
  private current: Range = [0, 1];
  private pending: Range | undefined;
  private frame = 0;
  private applying = false;
  /** Called after every applied change (from a wheel frame, a key or a drag). */
  readonly listeners = new Set<(range: Range) => void>();

  get range(): Range {
    return [...this.current];
  }

  get fullRange(): Range {
    return [...this.full];
  }

  reset(fullMaxMs: number): void {
    this.full = [0, Math.max(fullMaxMs, MIN_WIDTH_MS)];
    this.current = [...this.full];
    this.pending = undefined;
  }

  register(chart: uPlot): void {
    this.charts.add(chart);
  }

  unregister(chart: uPlot): void {
    this.charts.delete(chart);
  }

  private clamp([min, max]: Range): Range {
    const [lo, hi] = this.full;
    let width = Math.min(Math.max(max - min, MIN_WIDTH_MS), hi - lo);
    if (!(width > 0)) width = hi - lo;
    const start = Math.min(Math.max(min, lo), hi - width);
    return [start, start + width];
  }

  /** Zooms around `anchorMs`; factor < 1 zooms in. Applied on the next animation frame. */
  zoomAt(anchorMs: number, factor: number): void {
    const [min, max] = this.pending ?? this.current;
    const a = Math.min(Math.max(anchorMs, min), max);
    this.request([a - (a - min) * factor, a + (max - a) * factor]);
  }

  panBy(deltaMs: number): void {
    const [min, max] = this.pending ?? this.current;
    this.request([min + deltaMs, max + deltaMs]);
  }

  request(range: Range): void {
    this.pending = this.clamp(range);
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        const next = this.pending;
        this.pending = undefined;
        if (next) this.apply(next);
      });
    }
  }

  /** Sets every chart's x scale now. */
  apply(range: Range, except?: uPlot): void {
    this.current = this.clamp(range);
    this.applying = true;
    try {
      for (const chart of this.charts) {
        if (chart === except) continue;
        chart.setScale('x', { min: this.current[0], max: this.current[1] });
      }
    } finally {
      this.applying = false;
    }
    for (const listener of this.listeners) listener(this.range);
  }

  /** From a chart's setScale hook: a drag-zoom or double-click reset there is copied to the others. */
  chartChanged(chart: uPlot): void {
    if (this.applying) return;
    const { min, max } = chart.scales.x;
    if (min === undefined || max === undefined) return;
    const next = this.clamp([min, max]);
    // Our own setScale calls come back here a microtask later: equal ranges mean nothing new.
    const eps = (this.full[1] - this.full[0]) * 1e-9;
    if (Math.abs(next[0] - this.current[0]) <= eps && Math.abs(next[1] - this.current[1]) <= eps) return;
    this.apply(next, chart);
    if (Math.abs(next[0] - min) > eps || Math.abs(next[1] - max) > eps) chart.setScale('x', { min: next[0], max: next[1] });
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.charts.clear();
  }
}
