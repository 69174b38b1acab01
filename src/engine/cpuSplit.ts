/**
 * Splits one `cpu`-intent interval of a lane (a hook said the thread runs code, no hooked wait) into
 * what the kernel measured: `running` (on a CPU), `core-wait` (runnable, on a run queue), and the
 * rest — neither on a CPU nor queued, i.e. asleep in the kernel — named by what the thread was seen
 * asleep in: `gil-wait` for a timed futex wait in a CPython process with the GIL on (that is how
 * CPython waits for the GIL), `idle` for a Node thread in epoll (its event loop), else `blocked`
 * with the system call's name, or "unknown" when no reading saw it asleep.
 *
 * The kernel credits a running thread's time at scheduler ticks (4 ms at HZ=250) and its run-queue
 * wait when it gets a CPU, so one reading can show 0 and the next 8 ms. Time beyond a segment's
 * length is carried into the following segments (and what is left at the end back into earlier
 * ones): totals stay exact to a tick, and a thread that ran throughout shows no false slivers.
 * Within one sampling interval the order is unknown: running is drawn first, then core-wait.
 */
import type { LaneState, Runtime, StateMethod } from '../shared/trace';
import type { RunSample } from './sampler';
import type { KernelView } from './syscalls';

export type CpuState = Extract<LaneState, 'running' | 'core-wait' | 'gil-wait' | 'blocked' | 'idle'>;

export interface CpuPiece {
  state: CpuState;
  start: number;
  end: number;
  note?: string;
  /** Drawn as the hook said (`running`), not measured: the builder keeps these within the cores. */
  claimed?: boolean;
}

export interface CpuSplit {
  pieces: CpuPiece[];
  method: StateMethod;
  /** ns measured on a CPU in this interval (undefined when nothing was measured). */
  runNs?: number;
}

/** What the lane's process is: decides what an off-CPU futex or epoll wait means. */
export interface LaneContext {
  runtime?: Runtime;
  /** A CPython process with the GIL enabled. */
  gil?: boolean;
}

interface Segment {
  from: number;
  to: number;
  run: number;
  wait: number;
  /** The kernel's view at either end of the segment, when the thread was seen asleep. */
  view?: KernelView;
  /** No reading covers it: drawn as the hook said. */
  claimed?: boolean;
}

/** Moves `field` beyond each segment's free room forward, then what remains backward. */
function carry(segments: Segment[], field: 'run' | 'wait', room: (s: Segment) => number): void {
  let extra = 0;
  for (const s of segments) {
    s[field] = Math.max(0, s[field]) + extra;
    extra = Math.max(0, s[field] - room(s));
    s[field] -= extra;
  }
  for (let i = segments.length - 1; i >= 0 && extra > 0; i--) {
    const s = segments[i];
    const take = Math.min(extra, room(s) - s[field]);
    s[field] += take;
    extra -= take;
  }
}

export function carryExcess(segments: Segment[]): void {
  carry(segments, 'run', (s) => s.to - s.from);
  carry(segments, 'wait', (s) => s.to - s.from - s.run);
}

function offCpu(view: KernelView | undefined, ctx: LaneContext): { state: CpuState; note?: string } {
  if (!view || view.kind !== 'syscall') return { state: 'blocked', note: 'unknown' };
  if (view.name === 'futex' && view.timed && ctx.runtime === 'python' && ctx.gil) return { state: 'gil-wait' };
  if (ctx.runtime === 'node' && view.name.startsWith('epoll')) return { state: 'idle', note: 'event loop' };
  return { state: 'blocked', note: view.name };
}

function pushPieces(pieces: CpuPiece[], seg: Segment, ctx: LaneContext): number {
  const length = seg.to - seg.from;
  if (length <= 0) return 0;
  const run = Math.min(Math.max(seg.run, 0), length);
  const wait = Math.min(Math.max(seg.wait, 0), length - run);
  let at = seg.from;
  if (run > 0) pieces.push({ state: 'running', start: at, end: (at += run), ...(seg.claimed ? { claimed: true } : {}) });
  if (wait > 0) pieces.push({ state: 'core-wait', start: at, end: (at += wait) });
  if (at < seg.to) pieces.push({ ...offCpu(seg.view, ctx), start: at, end: seg.to });
  return run;
}

/** Index of the last sample with t <= x, or -1. Samples are in time order. */
function lastAtOrBefore(samples: RunSample[], x: number): number {
  let lo = 0;
  let hi = samples.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].t <= x) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** How many segments away a reading that saw the thread asleep may name an unseen off-CPU stretch. */
const VIEW_REACH = 2;

/**
 * Between two readings that both found the thread running, an off-CPU stretch was not seen: the
 * thread slept and woke in between (a GIL waiter wakes every 5 ms). It is named after the closest
 * reading within VIEW_REACH sampling intervals of the same interval that did see it asleep; beyond
 * that it stays "unknown".
 */
function borrowNearbyViews(segments: Segment[]): void {
  const seen = segments.map((s) => s.view);
  segments.forEach((seg, i) => {
    if (seg.view || seg.to - seg.from - seg.run - seg.wait <= 0) return;
    for (let d = 1; d <= VIEW_REACH && !seg.view; d++) seg.view = seen[i - d] ?? seen[i + d];
  });
}

const asleep = (s: RunSample | undefined): KernelView | undefined => (s?.view?.kind === 'syscall' ? s.view : undefined);

/**
 * `samples`: the lane's kernel readings (time-ordered); `c0`/`c1`: the thread CPU clock the
 * program sent at the interval's start and end. Kernel readings win, then the CPU clock (which
 * tells running from not, but not why), else the whole interval is what the hook said: running.
 */
export function splitCpuInterval(start: number, end: number, samples?: RunSample[], c0?: number, c1?: number, ctx: LaneContext = {}): CpuSplit {
  if (end <= start) return { pieces: [], method: 'none' };
  if (samples && samples.length) {
    const before = lastAtOrBefore(samples, start);
    const first = before + 1;
    if (first < samples.length) {
      const segments: Segment[] = [];
      let prev: RunSample | undefined = before >= 0 ? samples[before] : undefined;
      let cursor = start;
      for (let i = first; i < samples.length && cursor < end; i++) {
        const s = samples[i];
        const segEnd = Math.min(s.t, end);
        // A reading after the interval ended describes a later state: only its deltas count.
        const view = (s.t <= end ? asleep(s) : undefined) ?? (prev && prev.t >= start ? asleep(prev) : undefined);
        if (prev) segments.push({ from: cursor, to: segEnd, run: s.run - prev.run, wait: s.wait - prev.wait, view });
        // No reading before the interval: its head is unknown, drawn as the hook said (running).
        else if (segEnd > cursor) segments.push({ from: cursor, to: segEnd, run: segEnd - cursor, wait: 0, claimed: true });
        cursor = segEnd;
        prev = s;
      }
      // No reading after the interval (the thread died, the run was stopped): tail as the hook said.
      if (cursor < end) segments.push({ from: cursor, to: end, run: end - cursor, wait: 0, claimed: true });
      carryExcess(segments);
      borrowNearbyViews(segments);
      const pieces: CpuPiece[] = [];
      let runNs = 0;
      for (const seg of segments) runNs += pushPieces(pieces, seg, ctx);
      return { pieces, method: 'schedstat', runNs };
    }
  }
  if (c0 !== undefined && c1 !== undefined && c1 >= c0) {
    const pieces: CpuPiece[] = [];
    const runNs = pushPieces(pieces, { from: start, to: end, run: c1 - c0, wait: 0 }, ctx);
    // Off the CPU, but the thread clock cannot say why.
    for (const p of pieces) if (p.state === 'blocked') p.note = 'unknown (no kernel readings)';
    return { pieces, method: 'thread-cpu-clock', runNs };
  }
  return { pieces: [{ state: 'running', start, end, claimed: true }], method: 'none' };
}

const RANK: Record<StateMethod, number> = { none: 0, 'thread-cpu-clock': 1, schedstat: 2 };

/** The better-measured of two methods (a trace reports the best one any lane used). */
export function bestMethod(a: StateMethod, b: StateMethod): StateMethod {
  return RANK[a] >= RANK[b] ? a : b;
}
