/**
 * Where a variant's wall time went, measured from its spans: the average work lane's timeline split
 * into start-up (before the lane existed), each state it was in, and the time after it had ended
 * while the variant went on. The parts add up to the wall time, so the gap between the ideal and the
 * measured time is explained by parts that were each measured, never by a guess. Pure.
 */
import { LANE_STATES, type Lane, type LaneState, type Span, type Variant } from './trace';

/** The lane states a breakdown counts (a finished lane's `done` is counted as `ended`). */
export type WorkState = Exclude<LaneState, 'done'>;
export const WORK_STATES = LANE_STATES.filter((s): s is WorkState => s !== 'done');

/**
 * - startup: the lane did not exist yet (interpreter start, thread or process creation, imports);
 * - the lane states;
 * - ended: the lane had finished while others (or the program's exit) went on — uneven work;
 * - untraced: inside the lane's life but covered by no span (should be near zero).
 */
export const BREAKDOWN_PARTS = ['startup', ...WORK_STATES, 'ended', 'untraced'] as const;
export type BreakdownPart = (typeof BREAKDOWN_PARTS)[number];

export interface Breakdown {
  /** The lanes that did the variant's work: every lane except the main thread, or the main thread
   *  alone when there is no other lane. */
  lanes: number[];
  /** µs of the average work lane in each part; they add up to the variant's wall time. */
  parts: Record<BreakdownPart, number>;
  /** µs from the variant's start to the first span of any lane: starting the interpreter or runtime. */
  runtimeStartUs: number;
}

/** States in which a lane is not doing the variant's work: finished, idle, or waiting for others. */
const NOT_WORK: ReadonlySet<string> = new Set(['done', 'idle', 'join-wait']);

/** Each lane's spans, in one pass (a trace may have 50 000 lanes and 300 000 spans). */
function spansByLane(v: Variant): Map<number, Span[]> {
  const by = new Map<number, Span[]>();
  for (const s of v.spans) {
    if (!(s.end > s.start)) continue;
    const list = by.get(s.lane);
    if (list) list.push(s);
    else by.set(s.lane, [s]);
  }
  return by;
}

/** A lane's time doing the work (computing, or waiting for what the work needs). */
function activeUs(spans: Span[] | undefined): number {
  let us = 0;
  for (const s of spans ?? []) if (!NOT_WORK.has(s.state)) us += s.end - s.start;
  return us;
}

/** A lane is a work lane when it was active at least this share of the busiest lane's time: a
 *  helper thread that ran for a moment (a queue's feeder, a pool's manager) does not count. */
const WORK_SHARE = 0.25;

/** The lanes that did the variant's work: the threads, workers or processes, or the main thread
 *  when it worked alone. A main thread that mostly waited for the others is not one of them. */
export function workLanes(v: Variant, by: Map<number, Span[]> = spansByLane(v)): Lane[] {
  const active = new Map(v.lanes.map((l) => [l.id, activeUs(by.get(l.id))]));
  const most = Math.max(0, ...active.values());
  if (most === 0) {
    const mains = v.lanes.filter((l) => l.kind === 'main');
    return mains.length ? mains : v.lanes.slice(0, 1);
  }
  const busy = v.lanes.filter((l) => (active.get(l.id) ?? 0) >= WORK_SHARE * most);
  const others = busy.filter((l) => l.kind !== 'main');
  // The main thread counts only when it did the work alone (the sequential variant).
  return others.length ? others : busy;
}

function emptyParts(): Record<BreakdownPart, number> {
  return Object.fromEntries(BREAKDOWN_PARTS.map((p) => [p, 0])) as Record<BreakdownPart, number>;
}

export function breakdown(v: Variant): Breakdown {
  const by = spansByLane(v);
  const lanes = workLanes(v, by);
  const parts = emptyParts();
  const wall = Math.max(0, v.wallUs);
  const firstAny = v.spans.reduce((m, s) => Math.min(m, s.start), Infinity);
  const runtimeStartUs = Number.isFinite(firstAny) ? Math.min(wall, Math.max(0, firstAny)) : 0;
  if (!lanes.length || wall === 0) {
    parts.untraced = wall;
    return { lanes: [], parts, runtimeStartUs };
  }
  for (const lane of lanes) {
    const spans = [...(by.get(lane.id) ?? [])].sort((a, b) => a.start - b.start);
    const own = emptyParts();
    if (!spans.length) {
      own.startup = wall;
    } else {
      // Clip to the run, and never count overlapping time twice (the engine refuses overlaps, but a
      // stored trace may come from anywhere).
      let cursor = 0;
      const first = Math.min(wall, Math.max(0, spans[0].start));
      own.startup = first;
      cursor = first;
      let lastEnd = first;
      for (const s of spans) {
        const start = Math.max(cursor, Math.min(wall, s.start));
        const end = Math.max(start, Math.min(wall, s.end));
        if (start > cursor) own.untraced += start - cursor;
        if (end > start) own[s.state === 'done' ? 'ended' : s.state] += end - start;
        cursor = Math.max(cursor, end);
        lastEnd = cursor;
      }
      own.ended += wall - lastEnd;
    }
    for (const p of BREAKDOWN_PARTS) parts[p] += own[p] / lanes.length;
  }
  return { lanes: lanes.map((l) => l.id), parts, runtimeStartUs };
}

/** Share (0..1) of the work lanes' time in each part. */
export function shares(b: Breakdown, wallUs: number): Record<BreakdownPart, number> {
  const out = emptyParts();
  if (wallUs <= 0) return out;
  for (const p of BREAKDOWN_PARTS) out[p] = b.parts[p] / wallUs;
  return out;
}
