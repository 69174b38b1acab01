/**
 * The numbers the summary shows and the one sentence that states the lesson's point, computed from
 * what the run measured (never assumed). Pure: no DOM.
 */
import type { Trace, Variant } from '../shared/trace';

export interface VariantFigures {
  id: string;
  title: string;
  wallMs: number;
  cpuMs?: number;
  /** First variant's wall time ÷ this one's: the first is the baseline (sequential, smallest pool, no lock). */
  speedup: number;
  /** Wall time with perfect scaling from the baseline, when the scenario has a notion of scaling. */
  idealMs?: number;
  /** Lanes that did work (at least 1). */
  workers: number;
  outcome?: Variant['outcome'];
  error?: string;
}

/** A sentence to show: an English key with placeholders, localized by the caller. */
export interface LessonLine {
  key: string;
  args: (string | number)[];
  /** Numbers in args that are ratios, so the caller formats them as "1.02×". */
  ratioArgs?: number[];
  /** Indexes of args that are milliseconds. */
  msArgs?: number[];
}

export const LESSON_KEYS = {
  threadsGil: '{0}: {1} — the GIL let one thread run at a time',
  threadsNoGil: '{0}: {1} — this Python has no GIL, so threads ran in parallel',
  parallelCores: '{0}: {1} — they ran on separate cores at once ({2} cores here)',
  oneCore: '{0}: {1} — with one core there is nothing to run in parallel on',
  ioOverlap: '{0}: {1} — while one thread waits for I/O, the others run',
  raceLost: '{0}: {1} of {2} updates were lost to the race',
  raceOk: '{0}: the result is right; the threads waited {1} for the lock in total',
  poolBest: 'Pool of {0} was fastest ({1}); more workers than tasks or cores only wait',
  daemonKilled: '{0}: {1} daemon lanes were cut off when the main thread ended',
  daemonWaited: '{0}: the program waited for its non-daemon threads to finish',
  generic: '{0}: {1} against {2}',
} as const;

const SCALING_SCENARIOS = new Set(['parallel', 'gil', 'pool', 'download']);

function workerCount(v: Variant): number {
  const busy = new Set<number>();
  for (const s of v.spans) if (s.state === 'running' || s.state === 'io' || s.state === 'sleeping') busy.add(s.lane);
  const mainIds = new Set(v.lanes.filter((l) => l.kind === 'main').map((l) => l.id));
  const nonMain = [...busy].filter((id) => !mainIds.has(id)).length;
  return Math.max(1, nonMain);
}

/** Download-style work is uneven: with one thread per task, the best possible is the longest task. */
function longestLaneBusyMs(v: Variant): number {
  const busy = new Map<number, number>();
  for (const s of v.spans) {
    if (s.state === 'running' || s.state === 'io' || s.state === 'sleeping') busy.set(s.lane, (busy.get(s.lane) ?? 0) + s.end - s.start);
  }
  const mainIds = new Set(v.lanes.filter((l) => l.kind === 'main').map((l) => l.id));
  const workers = [...busy].filter(([id]) => !mainIds.has(id)).map(([, us]) => us);
  return Math.max(0, ...workers) / 1000;
}

export function variantFigures(trace: Trace): VariantFigures[] {
  const base = trace.variants[0];
  const baseWorkers = base ? workerCount(base) : 1;
  return trace.variants.map((v, i) => {
    const workers = workerCount(v);
    const wallMs = v.wallUs / 1000;
    const scaled = SCALING_SCENARIOS.has(trace.scenario) && base && i > 0;
    return {
      id: v.id,
      title: v.title,
      wallMs,
      cpuMs: v.cpuUs === undefined ? undefined : v.cpuUs / 1000,
      speedup: base && wallMs > 0 ? base.wallUs / v.wallUs : 1,
      idealMs: !scaled ? undefined : trace.scenario === 'download' ? longestLaneBusyMs(v) || undefined : ((base.wallUs / 1000) * baseWorkers) / workers,
      workers,
      outcome: v.outcome,
      error: v.error,
    };
  });
}

function lockWaitMs(v: Variant): number {
  let total = 0;
  for (const s of v.spans) if (s.state === 'lock-wait') total += s.end - s.start;
  return total / 1000;
}

/** One or two sentences naming what the data shows. */
export function lessonLines(trace: Trace, figures: VariantFigures[]): LessonLine[] {
  const lines: LessonLine[] = [];
  const ratio = (key: string, f: VariantFigures, ...rest: (string | number)[]): LessonLine => ({
    key,
    args: [f.title, f.speedup, ...rest],
    ratioArgs: [1],
  });
  const others = figures.slice(1).filter((f) => !f.error);
  switch (trace.scenario) {
    case 'gil':
    case 'parallel':
      for (const f of others) {
        const threads = trace.runtime === 'python' && f.id === 'threads';
        if (threads) lines.push(ratio(trace.env.gil === false ? LESSON_KEYS.threadsNoGil : LESSON_KEYS.threadsGil, f));
        else if (trace.env.cpus <= 1) lines.push(ratio(LESSON_KEYS.oneCore, f));
        else lines.push(ratio(LESSON_KEYS.parallelCores, f, trace.env.cpus));
      }
      break;
    case 'download':
      for (const f of others) lines.push(ratio(LESSON_KEYS.ioOverlap, f));
      break;
    case 'race':
      for (const f of figures) {
        const o = f.outcome;
        const variant = trace.variants.find((v) => v.id === f.id);
        if (o?.ok === false && typeof o.expected === 'number' && typeof o.actual === 'number') {
          lines.push({ key: LESSON_KEYS.raceLost, args: [f.title, o.expected - o.actual, o.expected] });
        } else if (o?.ok === true && variant) {
          lines.push({ key: LESSON_KEYS.raceOk, args: [f.title, lockWaitMs(variant)], msArgs: [1] });
        }
      }
      break;
    case 'pool': {
      const best = figures.filter((f) => !f.error).reduce<VariantFigures | undefined>((a, f) => (!a || f.wallMs < a.wallMs ? f : a), undefined);
      const size = best ? Number(/(\d+)$/.exec(best.id)?.[1] ?? best.workers) : 0;
      if (best) lines.push({ key: LESSON_KEYS.poolBest, args: [size, best.speedup], ratioArgs: [1] });
      break;
    }
    case 'daemon':
      for (const v of trace.variants) {
        const killed = v.marks.filter((m) => m.kind === 'killed').length;
        if (killed > 0) lines.push({ key: LESSON_KEYS.daemonKilled, args: [v.title, killed] });
        else lines.push({ key: LESSON_KEYS.daemonWaited, args: [v.title] });
      }
      break;
    default:
      for (const f of others) lines.push({ key: LESSON_KEYS.generic, args: [f.title, f.speedup, figures[0].title], ratioArgs: [1] });
  }
  return lines;
}
