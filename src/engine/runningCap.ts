/**
 * Keeps a variant's `running` within what the machine's cores allow. The kernel's readings are
 * exact to a tick; two other sources are not: `cpu` intent drawn as the hook said (no reading — not
 * Linux, no tid, or the head or tail of an interval no reading covers) and a program's own
 * thread-clock figures. So:
 * 1. where more lanes are drawn running from what their hooks said than there are cores, the ones
 *    that claimed the CPU first keep it; the others cannot all have run and which did is unknown,
 *    so they are drawn `blocked` "unknown (…)";
 * 2. per process and in all, running time beyond cores × the drawn time cannot be: the latest of
 *    it is drawn the same way — hook claims first, then thread-clock figures, and kernel readings
 *    only past one tick per lane (the kernel's own rounding).
 * Task lanes are left out: they run on their loop's thread, whose lane already counts that time.
 */
import type { Lane, Span } from '../shared/trace';
import { TICK_US } from '../shared/traceCheck';

/** Where a `running` span came from. */
export type RunningSource = 'kernel' | 'clock' | 'claimed';
/** A span as the builder holds it: `running` carries its source until the cap is applied. */
export type SourcedSpan = Span & { src?: RunningSource };

export const OVER_CORES_NOTE = 'unknown (more running than the cores allow)';

interface Claim {
  lane: number;
  span: SourcedSpan;
  /** Since when it has had no core (while more than `cpus` earlier claims are open). */
  since?: number;
  out: [number, number][];
}

const blocked = (lane: number, start: number, end: number): SourcedSpan => ({ lane, state: 'blocked', start, end, note: OVER_CORES_NOTE });

/** A running span with `ranges` (ordered, disjoint, inside it) drawn as blocked. */
function split(span: SourcedSpan, ranges: [number, number][]): SourcedSpan[] {
  const parts: SourcedSpan[] = [];
  let at = span.start;
  for (const [from, to] of ranges) {
    if (from > at) parts.push({ ...span, start: at, end: from });
    parts.push(blocked(span.lane, from, to));
    at = to;
  }
  if (at < span.end) parts.push({ ...span, start: at });
  return parts;
}

type Replacements = Map<SourcedSpan, SourcedSpan[]>;

function replace(byLane: SourcedSpan[][], parts: Replacements): void {
  if (!parts.size) return;
  byLane.forEach((spans, lane) => {
    byLane[lane] = spans.flatMap((s) => parts.get(s) ?? [s]);
  });
}

/** Step 1: at most `cpus` hook claims drawn running at once; the earliest keep their core. */
function capClaims(byLane: SourcedSpan[][], counted: (lane: number) => boolean, cpus: number): Replacements {
  const claims: Claim[] = [];
  byLane.forEach((spans, lane) => {
    if (!counted(lane)) return;
    for (const span of spans) if (span.state === 'running' && span.src === 'claimed' && span.end > span.start) claims.push({ lane, span, out: [] });
  });
  const parts: Replacements = new Map();
  if (claims.length <= cpus) return parts;
  // Ends before starts at one instant (a core freed is free for a claim starting then).
  const events = claims.flatMap((c) => [{ at: c.span.start, start: true, c }, { at: c.span.end, start: false, c }]);
  events.sort((a, b) => a.at - b.at || Number(a.start) - Number(b.start) || a.c.lane - b.c.lane);
  const open: Claim[] = []; // in order of their start
  for (let i = 0; i < events.length; ) {
    const at = events[i].at;
    for (; i < events.length && events[i].at === at; i++) {
      const { start, c } = events[i];
      if (start) {
        open.push(c);
        if (open.length > cpus) c.since = at;
      } else {
        open.splice(open.indexOf(c), 1);
        if (c.since !== undefined && at > c.since) c.out.push([c.since, at]);
        c.since = undefined;
      }
    }
    // A claim that moved up into the first `cpus` gets its core back.
    for (let k = 0; k < Math.min(cpus, open.length); k++) {
      const c = open[k];
      if (c.since === undefined) continue;
      if (at > c.since) c.out.push([c.since, at]);
      c.since = undefined;
    }
  }
  for (const c of claims) if (c.out.length) parts.set(c.span, split(c.span, c.out));
  return parts;
}

/** Draws the latest `amount` µs of these running spans as blocked. */
function cutLatest(spans: SourcedSpan[], amount: number, parts: Replacements): void {
  for (const span of [...spans].sort((a, b) => b.end - a.end || b.lane - a.lane)) {
    if (amount <= 0) return;
    const take = Math.min(amount, span.end - span.start);
    amount -= take;
    parts.set(span, split(span, [[span.end - take, span.end]]));
  }
}

/** Step 2: a group of lanes (one process, or all) never shows more running than its cores allow. */
function capTotal(byLane: SourcedSpan[][], group: number[], cpus: number, extentUs: number): Replacements {
  const running = group.flatMap((lane) => byLane[lane].filter((s) => s.state === 'running' && s.end > s.start));
  const sum = (list: SourcedSpan[]): number => list.reduce((n, s) => n + s.end - s.start, 0);
  const parts: Replacements = new Map();
  const budget = cpus * extentUs;
  let excess = sum(running) - budget;
  for (const src of ['claimed', 'clock'] as const) {
    if (excess <= 0) break;
    const list = running.filter((s) => (s.src ?? 'claimed') === src); // no source: a claim
    const cut = Math.min(excess, sum(list));
    cutLatest(list, cut, parts);
    excess -= cut;
  }
  const kernel = running.filter((s) => s.src === 'kernel');
  const kernelExcess = sum(kernel) - (budget + TICK_US * group.length);
  if (kernelExcess > 0) cutLatest(kernel, kernelExcess, parts);
  return parts;
}

/**
 * Applies both steps to a variant's spans, `byLane[i]` being lane i's (µs, ordered, disjoint),
 * drawn within [0, extentUs]; replaces the entries of `byLane` (each lane stays ordered).
 */
export function capRunning(byLane: SourcedSpan[][], lanes: Lane[], cpus: number, extentUs: number): void {
  const counted = (lane: number): boolean => lanes[lane]?.kind !== 'task';
  replace(byLane, capClaims(byLane, counted, cpus));
  const all = lanes.map((_l, i) => i).filter(counted);
  const byPid = new Map<number, number[]>();
  for (const i of all) {
    const pid = lanes[i].pid;
    if (pid === undefined) continue;
    const group = byPid.get(pid);
    if (group) group.push(i);
    else byPid.set(pid, [i]);
  }
  for (const group of byPid.values()) replace(byLane, capTotal(byLane, group, cpus, extentUs));
  replace(byLane, capTotal(byLane, all, cpus, extentUs));
}
