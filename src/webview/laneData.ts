/**
 * The timeline's data in drawing form: per lane, spans sorted by start in typed arrays (times in ms),
 * plus the two loops the chart's speed rests on — walking only the visible spans while merging the
 * ones narrower than a pixel, and finding the span under the pointer by binary search.
 * Pure: no DOM, so the SVG export and Node tests use it too.
 */
import type { Lane, LaneState, MarkKind, Variant } from '../shared/trace';
import { LANE_STATES, MARK_KINDS } from '../shared/trace';

export const STATE_COUNT = LANE_STATES.length;

export interface LaneSeries {
  lane: Lane;
  starts: Float64Array;
  ends: Float64Array;
  /** Running maximum of `ends`: ascending even if a faulty trace has overlapping spans, so the
   *  binary searches never skip a span that reaches into the window. */
  reach: Float64Array;
  /** Index into LANE_STATES. */
  states: Uint8Array;
  /** Notes and program locations are rare, so they live in sparse maps keyed by span index. */
  notes: Map<number, string>;
  wheres: Map<number, string>;
  markAt: Float64Array;
  /** Index into MARK_KINDS. */
  markKinds: Uint8Array;
}

export interface VariantSeries {
  variant: Variant;
  lanes: LaneSeries[];
  /** Where the variant's time axis ends: its wall time or its last event, whichever is later. */
  endMs: number;
  spanCount: number;
}

const stateIndex = new Map<LaneState, number>(LANE_STATES.map((s, i) => [s, i]));
const markIndex = new Map<MarkKind, number>(MARK_KINDS.map((k, i) => [k, i]));

/** Sorts the lane's arrays by start in place (engines emit spans in time order; only sort when they
 *  did not) and returns the sparse maps re-keyed to the new order. */
function sortByStart(starts: Float64Array, ends: Float64Array, states: Uint8Array, maps: Map<number, string>[]): Map<number, string>[] {
  let sorted = true;
  for (let i = 1; i < starts.length && sorted; i++) if (starts[i] < starts[i - 1]) sorted = false;
  if (sorted) return maps;
  const order = Uint32Array.from(starts, (_v, i) => i).sort((a, b) => starts[a] - starts[b]);
  const [s0, e0, st0] = [starts.slice(), ends.slice(), states.slice()];
  const moved = maps.map(() => new Map<number, string>());
  order.forEach((from, to) => {
    starts[to] = s0[from];
    ends[to] = e0[from];
    states[to] = st0[from];
    maps.forEach((m, k) => {
      const value = m.get(from);
      if (value !== undefined) moved[k].set(to, value);
    });
  });
  return moved;
}

/**
 * Splits a variant's spans and marks by lane into sorted typed arrays, in two passes over the spans
 * (count, then fill) with no per-span allocation. Unknown lanes and states are dropped.
 */
export function buildVariantSeries(variant: Variant): VariantSeries {
  const lanePos = new Map<number, number>(variant.lanes.map((l, i) => [l.id, i]));
  const nLanes = variant.lanes.length;
  const { spans, marks } = variant;
  const spanLane = new Int32Array(spans.length);
  const spanCounts = new Int32Array(nLanes);
  let lastUs = variant.wallUs;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    const pos = lanePos.get(s.lane);
    const ok = pos !== undefined && stateIndex.has(s.state) && s.end >= s.start;
    spanLane[i] = ok ? pos : -1;
    if (!ok) continue;
    spanCounts[pos]++;
    if (s.end > lastUs) lastUs = s.end;
  }
  const starts = Array.from(spanCounts, (n) => new Float64Array(n));
  const ends = Array.from(spanCounts, (n) => new Float64Array(n));
  const states = Array.from(spanCounts, (n) => new Uint8Array(n));
  const notes = Array.from(spanCounts, () => new Map<number, string>());
  const wheres = Array.from(spanCounts, () => new Map<number, string>());
  const fill = new Int32Array(nLanes);
  for (let i = 0; i < spans.length; i++) {
    const pos = spanLane[i];
    if (pos < 0) continue;
    const s = spans[i];
    const k = fill[pos]++;
    starts[pos][k] = s.start / 1000;
    ends[pos][k] = s.end / 1000;
    states[pos][k] = stateIndex.get(s.state) ?? 0;
    if (s.note) notes[pos].set(k, s.note);
    if (s.where) wheres[pos].set(k, s.where);
  }
  const markBuckets: number[][] = variant.lanes.map(() => []);
  marks.forEach((m, i) => {
    const pos = lanePos.get(m.lane);
    if (pos !== undefined && markIndex.has(m.kind) && Number.isFinite(m.at)) markBuckets[pos].push(i);
  });
  let spanCount = 0;
  const lanes = variant.lanes.map((lane, pos): LaneSeries => {
    const [laneNotes, laneWheres] = sortByStart(starts[pos], ends[pos], states[pos], [notes[pos], wheres[pos]]);
    const e = ends[pos];
    const reach = new Float64Array(e.length);
    for (let k = 0; k < e.length; k++) reach[k] = k > 0 && reach[k - 1] > e[k] ? reach[k - 1] : e[k];
    spanCount += e.length;
    const midx = markBuckets[pos].sort((a, b) => marks[a].at - marks[b].at);
    const markAt = Float64Array.from(midx, (i) => marks[i].at / 1000);
    const markKinds = Uint8Array.from(midx, (i) => markIndex.get(marks[i].kind) ?? 0);
    return { lane, starts: starts[pos], ends: e, reach, states: states[pos], notes: laneNotes, wheres: laneWheres, markAt, markKinds };
  });
  return { variant, lanes, endMs: lastUs / 1000, spanCount };
}

/** First index whose value is >= x in an ascending array (length if none). */
export function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index of the span covering `ms`, or the nearest one within `slackMs`, or -1.
 * Spans of one lane do not overlap, so (the running maximum of) ends ascends too and both searches are binary.
 */
export function spanAt(lane: LaneSeries, ms: number, slackMs = 0): number {
  const n = lane.starts.length;
  const first = lowerBound(lane.reach, ms - slackMs);
  let best = -1;
  let bestGap = Infinity;
  for (let i = first; i < n && lane.starts[i] <= ms + slackMs; i++) {
    const gap = ms < lane.starts[i] ? lane.starts[i] - ms : ms > lane.ends[i] ? ms - lane.ends[i] : 0;
    if (gap < bestGap) {
      best = i;
      bestGap = gap;
      if (gap === 0) break;
    }
  }
  return best;
}

export type RectSink = (state: number, x0: number, x1: number) => void;

/** Linear ms → pixel mapping, `px = origin + ms * perMs` (inlined in the hot loop, no call per span). */
export interface PxScale {
  origin: number;
  perMs: number;
}

/**
 * Emits the rectangles to draw for one lane between xMin and xMax (ms): spans at least a pixel wide
 * as they are (adjacent same-state ones merged), and narrower spans folded into one-pixel columns
 * coloured by the state that filled most of the column. Work is bounded by the visible spans, and
 * rectangles by the pixel width. `visibleByState` (optional) counts the source spans walked.
 * Returns the number of rectangles emitted.
 */
export function forEachVisibleRect(
  lane: LaneSeries,
  xMin: number,
  xMax: number,
  px: PxScale,
  sink: RectSink,
  visibleByState?: Int32Array,
): number {
  const { starts, ends, states, reach } = lane;
  const weights = new Float64Array(STATE_COUNT);
  let column = NaN;
  let columnUsed = false;
  let pendState = -1;
  let pend0 = 0;
  let pend1 = 0;
  let emitted = 0;

  const emit = (state: number, a: number, b: number): void => {
    if (state === pendState && a <= pend1 + 0.5) {
      if (b > pend1) pend1 = b;
      return;
    }
    if (pendState >= 0) {
      sink(pendState, pend0, pend1);
      emitted++;
    }
    pendState = state;
    pend0 = a;
    pend1 = b;
  };
  const flushColumn = (): void => {
    if (!columnUsed) return;
    let top = 0;
    for (let s = 1; s < STATE_COUNT; s++) if (weights[s] > weights[top]) top = s;
    emit(top, column, column + 1);
    weights.fill(0);
    columnUsed = false;
  };

  for (let i = lowerBound(reach, xMin); i < starts.length && starts[i] <= xMax; i++) {
    if (ends[i] < xMin) continue; // only in faulty traces with overlapping spans
    const state = states[i];
    if (visibleByState) visibleByState[state]++;
    const a = px.origin + (starts[i] > xMin ? starts[i] : xMin) * px.perMs;
    const b = px.origin + (ends[i] < xMax ? ends[i] : xMax) * px.perMs;
    if (b - a >= 1) {
      flushColumn();
      emit(state, a, b);
    } else {
      const c = Math.floor(a);
      if (c !== column) {
        flushColumn();
        column = c;
      }
      weights[state] += Math.max(b - a, 1e-6);
      columnUsed = true;
    }
  }
  flushColumn();
  if (pendState >= 0) {
    sink(pendState, pend0, pend1);
    emitted++;
  }
  return emitted;
}

/** Milliseconds each lane spent in each state (index into LANE_STATES). */
export function timeByState(lane: LaneSeries): Float64Array {
  const totals = new Float64Array(STATE_COUNT);
  for (let i = 0; i < lane.starts.length; i++) totals[lane.states[i]] += lane.ends[i] - lane.starts[i];
  return totals;
}
