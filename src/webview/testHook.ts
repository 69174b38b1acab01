/**
 * `window.__clabTest`: a read-only view of what the panel drew, for the Chromium tests and the
 * benchmark (canvas pixels cannot be asserted on directly). It exposes numbers and strings, never
 * the panel's objects, and changes nothing but an output list's scroll position (`pointOfLine`).
 *
 * - `variants()` — per variant: id, lane labels, source spans walked in the last frame per state,
 *   rectangles, marks and lanes drawn, frames drawn, the last frame's lane-drawing time, the x range
 *   (ms) shown, and the lane window (first lane at the top, lanes that fit).
 * - `legend()` — the legend's state labels, in order.
 * - `tooltipAt(clientX, clientY)` — the text a hover there shows, or null.
 * - `pointOf(variant, lane, state)` — client point in the middle of a visible span of that state.
 * - `lessons()` — the summary's lesson sentences.
 * - `runs()` — how many runs are kept.
 * - `renderMs()` — ms from the last run's message to the first frame with all timelines drawn.
 * - `paints()` — every such first frame since the page loaded: when (epoch ms, comparable with
 *   `Date.now()` elsewhere on the machine), the runs kept then, and the shown variants' summed wall
 *   time and spawn-to-exit time (ms): what the editor benchmark subtracts; and the render time.
 * - `output(variant)` — the variant's output list: lines, rows in the DOM, which of them are dimmed,
 *   lines up to the hovered time, the active line, renders and the last render's time; or null.
 * - `pointOfLine(variant, line)` — client point on an output line, scrolled into view first.
 * - `cursor(variant)` — the time (ms) of the cursor an output line put on the timeline, or null.
 * - `clientXAt(variant, ms)` — client x of a time on the variant's timeline.
 */
import { LANE_STATES, type LaneState } from '../shared/trace';
import type { OutputListState } from './outputView';
import type { RunView } from './runView';

export interface VariantDrawInfo {
  id: string;
  lanes: string[];
  daemon: boolean[];
  spansByState: Record<LaneState, number>;
  rects: number;
  marks: number;
  /** Lanes painted in the last frame. */
  lanesDrawn: number;
  laneWindow: { first: number; count: number };
  draws: number;
  /** Milliseconds the last frame's lane drawing took (our code only, not uPlot's axes). */
  drawMs: number;
  xRange: [number, number];
}

export interface PaintRecord {
  at: number;
  runs: number;
  wallMs: number;
  aliveMs: number;
  /** From the run's message arriving in the panel to this frame. */
  renderMs: number;
}

export interface ClabTestHook {
  variants(): VariantDrawInfo[];
  legend(): string[];
  tooltipAt(clientX: number, clientY: number): string | null;
  pointOf(variant: number, lane: number, state: LaneState): { x: number; y: number } | null;
  lessons(): string[];
  runs(): number;
  renderMs(): number | undefined;
  paints(): PaintRecord[];
  output(variant: number): OutputListState | null;
  pointOfLine(variant: number, line: number): { x: number; y: number } | null;
  cursor(variant: number): number | null;
  clientXAt(variant: number, ms: number): number | null;
}

declare global {
  interface Window {
    __clabTest?: ClabTestHook;
  }
}

export function installTestHook(view: () => RunView | undefined, runCount: () => number): void {
  const paints: PaintRecord[] = [];
  window.addEventListener('clab:rendered', (e) => {
    const variants = view()?.series.map((s) => s.variant) ?? [];
    const sum = (f: (v: (typeof variants)[number]) => number | undefined) => variants.reduce((n, v) => n + (f(v) ?? 0), 0) / 1000;
    const renderMs = Number((e as CustomEvent<number>).detail);
    paints.push({ at: performance.timeOrigin + performance.now(), runs: runCount(), wallMs: sum((v) => v.wallUs), aliveMs: sum((v) => v.aliveUs), renderMs });
  });
  const hook: ClabTestHook = {
    variants: () =>
      (view()?.timelines ?? []).map((c) => ({
        id: c.series.variant.id,
        lanes: c.series.lanes.map((l) => l.lane.name),
        daemon: c.series.lanes.map((l) => !!l.lane.daemon),
        spansByState: Object.fromEntries(LANE_STATES.map((s, i) => [s, c.stats.visibleByState[i]])) as Record<LaneState, number>,
        rects: c.stats.rects,
        marks: c.stats.marks,
        lanesDrawn: c.stats.lanes,
        laneWindow: c.laneWindow,
        draws: c.stats.draws,
        drawMs: c.stats.lastDrawMs,
        xRange: c.xRange,
      })),
    legend: () => [...document.querySelectorAll('.legend li[data-state] span')].map((s) => s.textContent ?? ''),
    tooltipAt: (x, y) => {
      for (const c of view()?.timelines ?? []) {
        const text = c.tooltipAt(x, y);
        if (text !== null) return text;
      }
      return null;
    },
    pointOf: (variant, lane, state) => view()?.timelines[variant]?.pointOf(lane, state) ?? null,
    lessons: () => [...document.querySelectorAll('.lesson li')].map((li) => li.textContent ?? ''),
    runs: runCount,
    renderMs: () => view()?.lastRenderMs,
    paints: () => paints.map((p) => ({ ...p })),
    output: (variant) => view()?.outputs[variant]?.state ?? null,
    pointOfLine: (variant, line) => view()?.outputs[variant]?.pointOfLine(line) ?? null,
    cursor: (variant) => view()?.timelines[variant]?.cursor ?? null,
    clientXAt: (variant, ms) => view()?.timelines[variant]?.clientXOf(ms) ?? null,
  };
  Object.defineProperty(window, '__clabTest', { value: Object.freeze(hook), configurable: false, writable: false });
}
