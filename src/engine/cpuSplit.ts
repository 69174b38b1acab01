/**
 * Splits one `cpu`-intent interval of a lane (the thread wanted to run code) into measured
 * `running` and `ready` pieces. Between two counter readings the thread ran Δrun ns out of Δwall;
 * the rest it was runnable but off the CPU: waiting for the GIL (which sleeps on a futex) or for a
 * core. Within one sampling interval the order is unknown, so the running part is drawn first.
 *
 * The kernel adds a running thread's time to its schedstat counter only at a scheduler tick (4 ms at
 * HZ=250) or a context switch, so one 4 ms reading can show 0 and the next 8 ms. Run time beyond a
 * segment's length is therefore carried into the following segments (and what is left at the end
 * back into earlier ones): totals stay exact to a tick, and a thread that ran throughout shows no
 * false `ready` slivers.
 */
import type { StateMethod } from '../shared/trace';
import type { RunSample } from './sampler';

export interface CpuPiece {
  state: 'running' | 'ready';
  start: number;
  end: number;
}

export interface CpuSplit {
  pieces: CpuPiece[];
  method: StateMethod;
  /** ns measured on a CPU in this interval (undefined when nothing was measured). */
  runNs?: number;
}

interface Segment {
  from: number;
  to: number;
  run: number;
}

/** Moves run time beyond each segment's length forward, then what remains backward. */
export function carryExcess(segments: Segment[]): void {
  let carry = 0;
  for (const s of segments) {
    const room = s.to - s.from;
    s.run = Math.max(0, s.run) + carry;
    carry = Math.max(0, s.run - room);
    s.run -= carry;
  }
  for (let i = segments.length - 1; i >= 0 && carry > 0; i--) {
    const s = segments[i];
    const take = Math.min(carry, s.to - s.from - s.run);
    s.run += take;
    carry -= take;
  }
}

function pushPieces(pieces: CpuPiece[], from: number, to: number, run: number): number {
  const length = to - from;
  if (length <= 0) return 0;
  const r = Math.min(Math.max(run, 0), length);
  if (r > 0) pieces.push({ state: 'running', start: from, end: from + r });
  if (r < length) pieces.push({ state: 'ready', start: from + r, end: to });
  return r;
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

/**
 * `samples`: the lane's schedstat readings (time-ordered); `c0`/`c1`: the thread CPU clock the
 * program sent at the interval's start and end. Schedstat wins, then the CPU clock, else the whole
 * interval counts as running and the method is 'none'.
 */
export function splitCpuInterval(start: number, end: number, samples?: RunSample[], c0?: number, c1?: number): CpuSplit {
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
        // No reading before the interval: its head is unknown, drawn as running.
        if (segEnd > cursor || prev) segments.push({ from: cursor, to: segEnd, run: prev ? s.run - prev.run : segEnd - cursor });
        cursor = segEnd;
        prev = s;
      }
      // No reading after the interval (the thread died, the run was stopped): tail unknown.
      if (cursor < end) segments.push({ from: cursor, to: end, run: end - cursor });
      carryExcess(segments);
      const pieces: CpuPiece[] = [];
      let runNs = 0;
      for (const seg of segments) runNs += pushPieces(pieces, seg.from, seg.to, seg.run);
      return { pieces, method: 'schedstat', runNs };
    }
  }
  if (c0 !== undefined && c1 !== undefined && c1 >= c0) {
    const pieces: CpuPiece[] = [];
    const runNs = pushPieces(pieces, start, end, c1 - c0);
    return { pieces, method: 'thread-cpu-clock', runNs };
  }
  return { pieces: [{ state: 'running', start, end }], method: 'none' };
}

const RANK: Record<StateMethod, number> = { none: 0, 'thread-cpu-clock': 1, schedstat: 2 };

/** The better-measured of two methods (a trace reports the best one any lane used). */
export function bestMethod(a: StateMethod, b: StateMethod): StateMethod {
  return RANK[a] >= RANK[b] ? a : b;
}
