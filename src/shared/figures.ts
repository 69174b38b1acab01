/**
 * The numbers a run is judged by, per variant: wall and CPU time, speedup against the first variant,
 * the ideal under perfect scaling, where the time went, how busy the rest of the machine was, and
 * the spread of repeated runs. Everything is read from the trace; the panel, the CLI and the
 * findings all start here. Pure.
 */
import { breakdown, shares, type Breakdown, type BreakdownPart } from './breakdown';
import type { Trace, Variant } from './trace';

export interface VariantFigures {
  id: string;
  title: string;
  wallMs: number;
  cpuMs?: number;
  /** First variant's wall time ÷ this one's: the first is the baseline (sequential, smallest pool, no lock). */
  speedup: number;
  /** Wall time with perfect scaling from the baseline, when the scenario has a notion of scaling. */
  idealMs?: number;
  /** The speedup perfect scaling would give (baseline ÷ ideal). */
  idealSpeedup?: number;
  /** Lanes that did the work (the main thread when there is no other). */
  workers: number;
  breakdown: Breakdown;
  /** breakdown.parts ÷ wall time. */
  share: Record<BreakdownPart, number>;
  /** Cores' worth of CPU other programs used during the variant (0.5 = half a core on average). */
  otherCores?: number;
  /** Repeated runs: how many, and the fastest and slowest wall time. */
  spread?: { n: number; minMs: number; maxMs: number };
  outcome?: Variant['outcome'];
  error?: string;
}

/** Scenarios whose variants split one amount of CPU work over more lanes. */
export const CPU_SCENARIOS: ReadonlySet<string> = new Set(['parallel', 'gil']);

/** Download-style work is uneven: with one thread per task, the best possible is the longest task. */
function longestLaneBusyMs(v: Variant, lanes: number[]): number {
  const wanted = new Set(lanes);
  const busy = new Map<number, number>();
  for (const s of v.spans) {
    if (wanted.has(s.lane) && s.state !== 'done' && s.state !== 'idle') busy.set(s.lane, (busy.get(s.lane) ?? 0) + s.end - s.start);
  }
  let longest = 0;
  for (const us of busy.values()) longest = Math.max(longest, us);
  return longest / 1000;
}

function idealMs(trace: Trace, base: VariantFigures, v: Variant, workers: number, lanes: number[]): number | undefined {
  const baseMs = base.wallMs;
  switch (trace.scenario) {
    case 'parallel':
    case 'gil':
      // CPU work can spread over at most as many cores as the machine has.
      return (baseMs * Math.min(base.workers, trace.env.cpus)) / Math.max(1, Math.min(workers, trace.env.cpus));
    case 'download':
      return longestLaneBusyMs(v, lanes) || undefined;
    case 'pool': {
      // A pool of n runs the tasks in ⌈tasks / n⌉ rounds.
      const tasks = typeof trace.params.tasks === 'number' && trace.params.tasks > 0 ? trace.params.tasks : undefined;
      if (!tasks) return (baseMs * base.workers) / workers;
      return (baseMs * Math.ceil(tasks / workers)) / Math.ceil(tasks / base.workers);
    }
    default:
      return undefined;
  }
}

function poolSize(id: string): number | undefined {
  const m = /^pool-(\d+)$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

export function variantFigures(trace: Trace): VariantFigures[] {
  const out: VariantFigures[] = [];
  for (const [i, v] of trace.variants.entries()) {
    const b = breakdown(v);
    // A pool's size is what it was given; its lanes are the threads it made (it may make fewer).
    const workers = poolSize(v.id) ?? Math.max(1, b.lanes.length);
    const wallMs = v.wallUs / 1000;
    const base = out[0];
    const f: VariantFigures = {
      id: v.id,
      title: v.title,
      wallMs,
      cpuMs: v.cpuUs === undefined ? undefined : v.cpuUs / 1000,
      speedup: base && v.wallUs > 0 ? base.wallMs / wallMs : 1,
      workers,
      breakdown: b,
      share: shares(b, v.wallUs),
      outcome: v.outcome,
      error: v.error,
    };
    if (base && i > 0 && !base.error) {
      f.idealMs = idealMs(trace, base, v, workers, b.lanes);
      if (f.idealMs) f.idealSpeedup = base.wallMs / f.idealMs;
    }
    if (v.otherCpuUs !== undefined && v.wallUs > 0) f.otherCores = v.otherCpuUs / v.wallUs;
    if (v.repeats && v.repeats.length > 1) f.spread = { n: v.repeats.length, minMs: Math.min(...v.repeats) / 1000, maxMs: Math.max(...v.repeats) / 1000 };
    out.push(f);
  }
  return out;
}
