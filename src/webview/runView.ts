/**
 * Shows one run: summary, timing bars, legend, one timeline per variant on a shared time scale, and
 * the same data as tables. Rebuilt when another run is picked; redrawn (not rebuilt) on theme change.
 */
import { LANE_STATES } from '../shared/trace';
import { variantFigures, type VariantFigures } from '../shared/figures';
import { el } from './dom';
import { chartPng, summaryCsv, timelineSvg, type ExportResult } from './exporters';
import type { Texts } from './i18n';
import { MARK_LABEL, STATE_HINT_LABEL, STATE_LABEL } from './labels';
import { buildVariantSeries, type VariantSeries } from './laneData';
import type { OutputView } from './outputView';
import { exitIsBad, exitText, renderOutput, renderStuck } from './programView';
import type { RunEntry } from './runStore';
import type { RunRequest } from '../shared/protocol';
import { renderSummary } from './summaryView';
import { renderLaneTables } from './tables';
import { paintSwatch, readTheme, type Theme } from './theme';
import { SharedTimeScale } from './timeScale';
import { TimelineChart, labelColumnWidth } from './timeline';
import { TimingChart } from './timingChart';

export class RunView {
  readonly root: HTMLElement;
  readonly scale = new SharedTimeScale();
  theme: Theme = readTheme();
  series: VariantSeries[] = [];
  figures: VariantFigures[] = [];
  timelines: TimelineChart[] = [];
  /** Each variant's output list (same order as `timelines`), when it printed anything. */
  outputs: (OutputView | undefined)[] = [];
  private timing: TimingChart | undefined;
  private swatches: { canvas: HTMLCanvasElement; state: number }[] = [];
  private tablesShown = false;
  private pendingPaint: { since: number; drawn: Set<TimelineChart> } | undefined;
  /** Milliseconds from a run's message to the first frame with every timeline drawn. */
  lastRenderMs: number | undefined;
  private readonly resizeObserver: ResizeObserver;
  private resizeFrame = 0;
  private labelWidth = 0;

  /** `onFailed` hears when a timeline of the shown run could not be drawn (after `show` returned). */
  constructor(
    private readonly texts: Texts,
    private readonly onFailed: (err: unknown) => void = () => undefined,
    /** Starts a run (the summary's "run again" offer on a busy machine). */
    private readonly onRerun?: (request: RunRequest) => void,
  ) {
    this.root = el('main', { className: 'run-view' });
    this.resizeObserver = new ResizeObserver(() => {
      if (this.resizeFrame) return;
      this.resizeFrame = requestAnimationFrame(() => {
        this.resizeFrame = 0;
        const w = this.chartWidth();
        this.timing?.setWidth(w);
        for (const chart of this.timelines) chart.setWidth(w);
      });
    });
    this.resizeObserver.observe(this.root);
  }

  private chartWidth(): number {
    return Math.max(320, Math.floor(this.root.clientWidth || document.body.clientWidth - 32));
  }

  /** Renders `entry`; `since` is when its message arrived (performance.now()), for the paint figure.
   *  Throws when the run cannot be shown; the view is then empty. */
  show(entry: RunEntry | undefined, since = performance.now()): void {
    try {
      this.build(entry, since);
    } catch (err) {
      this.clear();
      throw err;
    }
  }

  private build(entry: RunEntry | undefined, since: number): void {
    this.clear();
    const t = this.texts.t.bind(this.texts);
    if (!entry) {
      this.root.append(el('p', { className: 'empty', text: t('No runs yet. Pick a scenario and press Run.') }));
      return;
    }
    const { trace } = entry;
    this.series = trace.variants.map(buildVariantSeries);
    this.figures = variantFigures(trace).map((f) => ({ ...f, title: this.texts.variant(f.title) }));
    this.scale.reset(Math.max(0.001, ...this.series.map((s) => s.endMs)));
    const width = this.chartWidth();

    const timingSection = el('section', { className: 'timing-section', attrs: { 'aria-labelledby': 'clab-timing-h' } }, el('h3', { text: t('Wall time per variant, and where it went'), attrs: { id: 'clab-timing-h' } }));
    if (this.figures.length) {
      this.timing = new TimingChart(this.figures, () => this.theme, this.texts, width);
      timingSection.append(
        this.timing.root,
        this.timing.legend,
        el('p', { className: 'hint', text: t('Each bar is the time of an average working lane, split into what it was doing; the dashed line is the ideal.') }),
      );
    }

    const timelineSection = el(
      'section',
      { className: 'timeline-section', attrs: { 'aria-labelledby': 'clab-timeline-h' } },
      el('h3', { text: t('What every thread did, and when'), attrs: { id: 'clab-timeline-h' } }),
      this.legend(),
      el('p', { className: 'hint', text: t('Drag to zoom, wheel to zoom at the pointer, Shift+wheel to pan, double-click to reset. All variants share one time axis.') }),
    );
    this.pendingPaint = { since, drawn: new Set() };
    this.labelWidth = labelColumnWidth(this.series, this.texts);
    const context = { scale: this.scale, theme: () => this.theme, texts: this.texts, labelWidth: this.labelWidth };
    for (const s of this.series) {
      const chart: TimelineChart = new TimelineChart(s, { ...context, onDrawn: () => this.noteDrawn(chart), onFailed: (err) => this.chartFailed(err) }, width);
      this.timelines.push(chart);
      const heading = el('h4', { text: `${this.texts.variant(s.variant.title)} — ${this.texts.ms(s.variant.wallUs / 1000)}` });
      const exit = exitText(s.variant, t);
      if (exit) heading.append(' · ', el('span', { className: exitIsBad(s.variant) ? 'exit bad' : 'exit', text: exit }));
      const wrap = el('div', { className: 'variant' }, heading);
      if (s.variant.error) wrap.append(el('p', { className: 'bad', text: s.variant.error }));
      wrap.append(s.lanes.length ? chart.root : el('p', { className: 'empty', text: t('No lanes were recorded.') }));
      const stuck = renderStuck(s.variant, this.texts);
      const output = renderOutput(s.variant, this.texts);
      // The output right under its timeline: hovering one highlights the other, a picked line marks the chart.
      if (output) wrap.append(output.root);
      if (stuck) wrap.append(stuck);
      const list = output?.list;
      this.outputs.push(list);
      if (list) {
        chart.onHover((ms) => list.showUpTo(ms));
        list.onPick((ms) => chart.setCursor(ms));
      }
      timelineSection.append(wrap);
    }

    const tables = el('section', { className: this.tablesShown ? 'tables' : 'tables sr-only', attrs: { 'aria-label': t('The timelines as tables') } }, renderLaneTables(this.series, this.texts));
    this.root.append(renderSummary(trace, this.figures, this.texts, entry.prediction, this.onRerun), timingSection, timelineSection, tables);
  }

  private chartFailed(err: unknown): void {
    // Once per shown run, and after uPlot's draw hook returns: charts are not torn down mid-draw.
    const shown = this.timelines;
    setTimeout(() => {
      if (this.timelines !== shown || !shown.length) return;
      this.clear();
      this.onFailed(err);
    });
  }

  private noteDrawn(chart: TimelineChart): void {
    const p = this.pendingPaint;
    if (!p) return;
    p.drawn.add(chart);
    if (p.drawn.size < this.timelines.length) return;
    this.pendingPaint = undefined;
    // The frame is painted once the browser composites it; the next animation frame is the earliest sign.
    requestAnimationFrame(() => {
      this.lastRenderMs = performance.now() - p.since;
      window.dispatchEvent(new CustomEvent('clab:rendered', { detail: this.lastRenderMs }));
    });
  }

  private legend(): HTMLElement {
    const t = this.texts.t.bind(this.texts);
    this.swatches = [];
    const items = LANE_STATES.map((s, i) => {
      const canvas = el('canvas', { attrs: { 'aria-hidden': 'true' } });
      this.swatches.push({ canvas, state: i });
      paintSwatch(canvas, this.theme, i);
      return el('li', { attrs: { 'data-state': s, title: t(STATE_HINT_LABEL[s]) } }, canvas, el('span', { text: t(STATE_LABEL[s]) }));
    });
    const marks = el('li', { className: 'marks' }, el('span', { text: `▶ ${t(MARK_LABEL.start)} · ◆ ${t(MARK_LABEL.join)} · ▼ ${t(MARK_LABEL.acquire)} · ▲ ${t(MARK_LABEL.release)} · • ${t(MARK_LABEL.task)} · ✕ ${t(MARK_LABEL['killed'])}` }));
    return el('ul', { className: 'legend', attrs: { 'aria-label': t('Legend') } }, ...items, marks);
  }

  /** The theme changed: re-read colours and redraw everything once. */
  refreshTheme(): void {
    this.theme = readTheme();
    for (const { canvas, state } of this.swatches) paintSwatch(canvas, this.theme, state);
    this.timing?.redraw();
    for (const chart of this.timelines) chart.redraw();
  }

  toggleTables(): boolean {
    this.tablesShown = !this.tablesShown;
    this.root.querySelector('.tables')?.classList.toggle('sr-only', !this.tablesShown);
    return this.tablesShown;
  }

  resetZoom(): void {
    this.scale.request(this.scale.fullRange);
  }

  csv(): string {
    return summaryCsv(this.figures, this.series);
  }

  svg(): ExportResult {
    return timelineSvg(this.series, this.scale.range, this.theme, this.texts);
  }

  png(): Promise<ExportResult> {
    return chartPng({
      timing: this.timing && { title: this.texts.t('Wall time per variant, and where it went'), canvas: this.timing.canvas },
      timelines: this.timelines.map((c) => ({ title: `${this.texts.variant(c.series.variant.title)} — ${this.texts.ms(c.series.variant.wallUs / 1000)}`, series: c.series })),
      range: this.scale.range,
      width: this.chartWidth(),
      labelWidth: this.labelWidth,
      theme: this.theme,
      texts: this.texts,
    });
  }

  private clear(): void {
    for (const chart of this.timelines) chart.destroy();
    for (const list of this.outputs) list?.dispose();
    this.outputs = [];
    this.timing?.destroy();
    this.timing = undefined;
    this.timelines = [];
    this.series = [];
    this.figures = [];
    this.pendingPaint = undefined;
    this.scale.dispose();
    this.root.replaceChildren();
  }

  dispose(): void {
    this.clear();
    this.resizeObserver.disconnect();
  }
}
