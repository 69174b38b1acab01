/**
 * What a run shows, in sentences chosen from its own numbers. Each rule states a claim only when the
 * figures beside it support it (a speedup near the ideal, a share of GIL waiting, a count of lost
 * updates); when they do not, the sentence says what the numbers are and which measured part of the
 * time explains them (start-up, waiting for a core, …). A busy machine is named from the CPU other
 * programs used. Pure: the panel localizes the keys, the CLI prints them in English.
 */
import type { BreakdownPart } from './breakdown';
import type { VariantFigures } from './figures';
import type { Trace } from './trace';

/** The bounds the rules use, in one place so tests and docs cite the same numbers. */
export const THRESHOLDS = {
  /** Threads are "taking turns for the GIL" when they waited for it at least this share of their time. */
  gilShare: 0.2,
  /** A variant "ran in parallel" when its speedup reaches this fraction of the ideal speedup. */
  parallelEfficiency: 0.75,
  /** Other programs used at least this many cores' worth of CPU: the machine was busy. */
  busyOtherCores: 0.5,
  /** Lanes waited for a core at least this share of their time. */
  coreWaitShare: 0.1,
  /** Threads that wait on I/O or sleep "overlapped" when they beat one-after-another by this much. */
  overlapSpeedup: 1.3,
  /** Repeated runs are "noisy" when the slowest is this much slower than the fastest. */
  noisySpread: 1.2,
  /** A share worth naming when explaining where the time went. */
  notable: 0.1,
} as const;

export type FindingArg = string | number | { ratio: number } | { ms: number } | { pct: number } | { cores: number } | { part: BreakdownPart };

export type FindingTone = 'point' | 'caveat' | 'warning';

export interface Finding {
  /** Which rule chose the sentence (tests check each rule's claim against its figures). */
  rule: keyof typeof FINDING_KEYS;
  /** English template with {n} placeholders; also the translation key. */
  key: string;
  args: FindingArg[];
  tone: FindingTone;
  /** The variant the sentence is about, when it is about one. */
  variant?: string;
}

export const FINDING_KEYS = {
  busyOthers: 'The machine was busy: other programs used {0} cores of CPU on average while {1} ran ({2} cores here). Parallel speedups come out smaller on a busy machine; run again when it is quieter.',
  busyCoreWait: '{0}: its lanes waited for a core {1} of their time although there were no more of them than the {2} cores: other programs were running. Run again when the machine is quieter.',
  tookTurns: '{0}: {1} lanes on {2} cores took turns; each waited for a core {3} of its time.',
  gilTurns: '{0}: {1} — its threads waited for the GIL {2} of their time, so only one of them ran Python code at a time.',
  gilTurnsFaster: '{0}: {1}, though its threads waited for the GIL {2} of their time: the same work took {3} of CPU in {4} and {5} here, so {4} itself was slowed down.',
  gilPartly: '{0}: {1} — its threads waited for the GIL {2} of their time, yet overlapped for part of the rest: some of this work runs without holding the GIL.',
  baselineSlow: '{0}: {1}, above the ideal {2}: the same work took {3} of CPU in {4} and {5} here, so {4} itself was slowed down.',
  noGilParallel: '{0}: {1} of an ideal {2} — this Python runs without the GIL, and its threads ran on separate cores at once.',
  parallel: '{0}: {1} of an ideal {2} — its {3} lanes ran on separate cores at once.',
  shortOfIdeal: '{0}: {1} of an ideal {2}. The largest part of the gap is {3}: {4} of the {5} wall time.',
  oneCore: '{0}: {1} — with one core there is nothing to run in parallel on.',
  overlap: '{0}: {1} — while one thread waited, the others went on; the slowest task set the time (ideal {2}).',
  raceLost: '{0}: {1} of {2} updates were lost to the race.',
  raceNoLoss: '{0}: no update was lost this time: a race depends on timing, and this run’s timing did not hit it.',
  raceLocked: '{0}: the result is right; its {1} threads waited {2} for the lock in all, {3} each on average.',
  poolBest: 'A pool of {0} was fastest: {1} against a pool of {2}.',
  poolWaiting: 'Its threads spent {0} of their time waiting (sleeping or I/O), not computing, so more threads than the {1} cores still helped.',
  poolNoGain: 'A pool of {0} was no faster ({1}): the largest part of its time was {2}, {3}.',
  daemonKilled: '{0}: {1} daemon lanes were cut off when the main thread ended.',
  daemonWaited: '{0}: the program waited for its non-daemon threads to finish.',
  mostly: '{0}: the largest share of its lanes’ time was {1} ({2}).',
  gilProgram: '{0}: its threads waited for the GIL {1} of their time: CPU-bound threads take turns, one running Python code at a time.',
  lockContention: '{0}: its threads waited for locks {1} of their time.',
  deadlock: '{0}: deadlock — each of these threads waits for a lock the next one holds: {1}.',
  deadlockSelf: '{0}: deadlock — {1} waits for {2}, which it holds itself: a Lock cannot be taken again by the thread that holds it; an RLock can.',
  noisy: '{0} took from {1} to {2} over {3} runs, the widest spread here: differences smaller than that are noise.',
  generic: '{0}: {1} against {2}.',
} as const;

/** How each breakdown part reads inside a sentence ("The largest part of the gap is {3}"). */
export const PART_KEYS: Record<BreakdownPart, string> = {
  startup: 'start-up (before the lanes began)',
  running: 'computing',
  'core-wait': 'waiting for a core',
  'gil-wait': 'waiting for the GIL',
  sleeping: 'sleeping',
  'lock-wait': 'waiting for locks',
  'join-wait': 'waiting for other lanes to finish',
  io: 'waiting for I/O',
  idle: 'idle, with nothing to do',
  blocked: 'blocked in the kernel',
  ended: 'finished early, waiting for the slowest',
  untraced: 'not traced',
};

const FASTEST_FIRST = (a: VariantFigures, b: VariantFigures): number => a.wallMs - b.wallMs;

function find(rule: keyof typeof FINDING_KEYS, args: FindingArg[], tone: FindingTone, variant?: string): Finding {
  return { rule, key: FINDING_KEYS[rule], args, tone, variant };
}

/** The part other than computing that took the most of the variant's wall time. */
export function largestGap(f: VariantFigures): BreakdownPart {
  let best: BreakdownPart = 'startup';
  for (const [part, us] of Object.entries(f.breakdown.parts) as [BreakdownPart, number][]) {
    if (part !== 'running' && us > f.breakdown.parts[best]) best = part;
  }
  return best;
}

/** The part, computing included, that took the most. */
function largestPart(f: VariantFigures): BreakdownPart {
  let best: BreakdownPart = 'running';
  for (const [part, us] of Object.entries(f.breakdown.parts) as [BreakdownPart, number][]) if (us > f.breakdown.parts[best]) best = part;
  return best;
}

function machineFindings(trace: Trace, figures: VariantFigures[]): Finding[] {
  const cpus = trace.env.cpus;
  const measured = figures.filter((f) => f.otherCores !== undefined);
  const busiest = measured.sort((a, b) => (b.otherCores ?? 0) - (a.otherCores ?? 0))[0];
  if (busiest && (busiest.otherCores ?? 0) >= THRESHOLDS.busyOtherCores) {
    return [find('busyOthers', [{ cores: busiest.otherCores ?? 0 }, busiest.title, cpus], 'warning')];
  }
  // Without a machine-wide measurement, waiting for a core with a core per lane still names it.
  const starved = figures.find((f) => f.otherCores === undefined && f.workers <= cpus && f.share['core-wait'] >= THRESHOLDS.coreWaitShare);
  if (starved) return [find('busyCoreWait', [starved.title, { pct: starved.share['core-wait'] }, cpus], 'warning', starved.id)];
  return [];
}

/** The baseline's CPU time for the same work was inflated (a busy or throttled machine) by at least this. */
const SLOW_BASELINE = 1.25;

function baselineSlowed(base: VariantFigures | undefined, f: VariantFigures): boolean {
  return !!base?.cpuMs && !!f.cpuMs && base.cpuMs / f.cpuMs >= SLOW_BASELINE;
}

function threadsOnGil(trace: Trace, f: VariantFigures): boolean {
  return trace.runtime === 'python' && trace.env.gil !== false && f.share['gil-wait'] >= THRESHOLDS.gilShare;
}

/** A variant that spreads work over lanes: does its speedup reach the ideal, and if not, why not. */
function scalingFinding(trace: Trace, f: VariantFigures, base: VariantFigures | undefined): Finding[] {
  const out: Finding[] = [];
  const cpus = trace.env.cpus;
  const cpuArgs = (): FindingArg[] => [{ ms: base?.cpuMs ?? 0 }, base?.title ?? '', { ms: f.cpuMs ?? 0 }];
  if (f.workers > cpus && f.share['core-wait'] >= THRESHOLDS.coreWaitShare) {
    out.push(find('tookTurns', [f.title, f.workers, cpus, { pct: f.share['core-wait'] }], 'caveat', f.id));
  }
  if (threadsOnGil(trace, f)) {
    if (f.speedup >= THRESHOLDS.overlapSpeedup && baselineSlowed(base, f)) {
      const [baseCpu, baseTitle, cpu] = cpuArgs();
      out.push(find('gilTurnsFaster', [f.title, { ratio: f.speedup }, { pct: f.share['gil-wait'] }, baseCpu, baseTitle, cpu], 'caveat', f.id));
    } else if (f.speedup >= THRESHOLDS.overlapSpeedup) {
      out.push(find('gilPartly', [f.title, { ratio: f.speedup }, { pct: f.share['gil-wait'] }], 'caveat', f.id));
    } else {
      out.push(find('gilTurns', [f.title, { ratio: f.speedup }, { pct: f.share['gil-wait'] }], 'point', f.id));
    }
    return out;
  }
  if (cpus <= 1) {
    out.push(find('oneCore', [f.title, { ratio: f.speedup }], 'point', f.id));
    return out;
  }
  const ideal = f.idealSpeedup;
  if (ideal !== undefined && f.speedup > ideal * 1.1 && baselineSlowed(base, f)) {
    const [baseCpu, baseTitle, cpu] = cpuArgs();
    out.push(find('baselineSlow', [f.title, { ratio: f.speedup }, { ratio: ideal }, baseCpu, baseTitle, cpu], 'caveat', f.id));
    return out;
  }
  if (ideal !== undefined && ideal > 1 && f.speedup >= THRESHOLDS.parallelEfficiency * ideal) {
    const noGil = trace.runtime === 'python' && trace.env.gil === false && f.id === 'threads';
    out.push(noGil
      ? find('noGilParallel', [f.title, { ratio: f.speedup }, { ratio: ideal }], 'point', f.id)
      : find('parallel', [f.title, { ratio: f.speedup }, { ratio: ideal }, Math.min(f.workers, cpus)], 'point', f.id));
    return out;
  }
  if (ideal !== undefined) {
    const gap = largestGap(f);
    out.push(find('shortOfIdeal', [f.title, { ratio: f.speedup }, { ratio: ideal }, { part: gap }, { ms: f.breakdown.parts[gap] / 1000 }, { ms: f.wallMs }], 'caveat', f.id));
  }
  return out;
}

function laneStateTotalMs(trace: Trace, id: string, state: string): number {
  const v = trace.variants.find((x) => x.id === id);
  let us = 0;
  for (const s of v?.spans ?? []) if (s.state === state) us += s.end - s.start;
  return us / 1000;
}

function scenarioFindings(trace: Trace, figures: VariantFigures[]): Finding[] {
  const out: Finding[] = [];
  const ok = figures.filter((f) => !f.error);
  const others = ok.slice(1);
  switch (trace.scenario) {
    case 'gil':
    case 'parallel':
      for (const f of others) out.push(...scalingFinding(trace, f, ok[0]));
      break;
    case 'download':
      for (const f of others) {
        if (f.speedup >= THRESHOLDS.overlapSpeedup && f.idealMs !== undefined) out.push(find('overlap', [f.title, { ratio: f.speedup }, { ms: f.idealMs }], 'point', f.id));
        else out.push(...scalingFinding(trace, f, ok[0]));
      }
      break;
    case 'race':
      for (const f of ok) {
        const o = f.outcome;
        if (o?.ok === false && typeof o.expected === 'number' && typeof o.actual === 'number') {
          out.push(find('raceLost', [f.title, o.expected - o.actual, o.expected], 'point', f.id));
        } else if (o?.ok === true && f.id === 'no-lock') {
          out.push(find('raceNoLoss', [f.title], 'caveat', f.id));
        } else if (o?.ok === true) {
          const total = laneStateTotalMs(trace, f.id, 'lock-wait');
          const threads = Math.max(1, f.breakdown.lanes.length);
          out.push(find('raceLocked', [f.title, threads, { ms: total }, { ms: total / threads }], 'point', f.id));
        }
      }
      break;
    case 'pool': {
      const best = [...ok].sort(FASTEST_FIRST)[0];
      const base = ok[0];
      if (best && base && best !== base) {
        out.push(find('poolBest', [best.workers, { ratio: best.wallMs > 0 ? base.wallMs / best.wallMs : 1 }, base.workers], 'point', best.id));
        const waiting = best.share.sleeping + best.share.io;
        if (best.workers > trace.env.cpus && waiting >= 0.5) out.push(find('poolWaiting', [{ pct: waiting }, trace.env.cpus], 'point', best.id));
      }
      const largest = ok.reduce<VariantFigures | undefined>((a, f) => (!a || f.workers > a.workers ? f : a), undefined);
      if (best && largest && largest !== best && largest.workers > best.workers) {
        const part = largestPart(largest);
        out.push(find('poolNoGain', [largest.workers, { ms: largest.wallMs }, { part }, { pct: largest.share[part] }], 'caveat', largest.id));
      }
      break;
    }
    case 'daemon':
      for (const f of figures) {
        const killed = trace.variants.find((v) => v.id === f.id)?.marks.filter((m) => m.kind === 'killed').length ?? 0;
        out.push(killed > 0 ? find('daemonKilled', [f.title, killed], 'point', f.id) : find('daemonWaited', [f.title], 'point', f.id));
      }
      break;
    default:
      for (const f of others) out.push(find('generic', [f.title, { ratio: f.speedup }, figures[0].title], 'point', f.id));
  }
  return out;
}

/** A wait-for cycle in a timed-out run, named from the stuck report (lane names, the lock). */
function deadlockFindings(f: VariantFigures, v: Trace['variants'][number] | undefined): Finding[] {
  const cycle = v?.stuck?.deadlock;
  if (!v || !cycle?.length) return [];
  const name = (id: number): string => v.lanes.find((l) => l.id === id)?.name ?? `lane ${id}`;
  if (cycle.length === 1) {
    const lock = v.stuck?.threads.find((t) => t.lane === cycle[0])?.waitsFor ?? 'Lock';
    return [find('deadlockSelf', [f.title, name(cycle[0]), lock], 'warning', f.id)];
  }
  return [find('deadlock', [f.title, [...cycle, cycle[0]].map(name).join(' → ')], 'warning', f.id)];
}

/** For a program of the learner's own: what its lanes mostly did, GIL turns, lock waits, a deadlock. */
function programFindings(trace: Trace, figures: VariantFigures[]): Finding[] {
  const out: Finding[] = [];
  for (const f of figures) {
    const part = largestPart(f);
    out.push(find('mostly', [f.title, { part }, { pct: f.share[part] }], 'point', f.id));
    if (threadsOnGil(trace, f) && f.workers > 1) out.push(find('gilProgram', [f.title, { pct: f.share['gil-wait'] }], 'point', f.id));
    if (f.share['lock-wait'] >= THRESHOLDS.gilShare) out.push(find('lockContention', [f.title, { pct: f.share['lock-wait'] }], 'point', f.id));
  }
  return out;
}

function noiseFindings(figures: VariantFigures[]): Finding[] {
  // One sentence, for the variant whose repeats spread the most: the noise floor of the whole run.
  const ratio = (f: VariantFigures): number => (f.spread && f.spread.minMs > 0 ? f.spread.maxMs / f.spread.minMs : 1);
  const widest = figures.filter((f) => ratio(f) >= THRESHOLDS.noisySpread).sort((a, b) => ratio(b) - ratio(a))[0];
  if (!widest?.spread) return [];
  return [find('noisy', [widest.title, { ms: widest.spread.minMs }, { ms: widest.spread.maxMs }, widest.spread.n], 'caveat', widest.id)];
}

/** Every sentence the panel and the CLI state about a run, most important first. */
export function findings(trace: Trace, figures: VariantFigures[]): Finding[] {
  const body = trace.scenario === 'program' ? programFindings(trace, figures) : scenarioFindings(trace, figures);
  // A deadlock explains a run before anything else does, a busy machine next.
  const deadlocks = figures.flatMap((f) => deadlockFindings(f, trace.variants.find((v) => v.id === f.id)));
  return [...deadlocks, ...machineFindings(trace, figures), ...body, ...noiseFindings(figures)];
}

export interface ArgFormat {
  ratio(n: number): string;
  ms(n: number): string;
  pct(share: number): string;
  cores(n: number): string;
  number(n: number): string;
  part(p: BreakdownPart): string;
  /** Fills the template's {n} placeholders (the panel translates the key first). */
  fill(key: string, args: string[]): string;
}

export function formatFinding(f: Finding, fmt: ArgFormat): string {
  const args = f.args.map((a) => {
    if (typeof a === 'string') return a;
    if (typeof a === 'number') return fmt.number(a);
    if ('ratio' in a) return fmt.ratio(a.ratio);
    if ('ms' in a) return fmt.ms(a.ms);
    if ('pct' in a) return fmt.pct(a.pct);
    if ('cores' in a) return fmt.cores(a.cores);
    return fmt.part(a.part);
  });
  return fmt.fill(f.key, args);
}

/** English formatting, for the CLI and tests. */
export const ENGLISH: ArgFormat = {
  ratio: (n) => `${n.toFixed(2)}×`,
  ms: (n) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`),
  pct: (s) => `${Math.round(s * 100)}%`,
  cores: (n) => n.toFixed(1),
  number: (n) => String(n),
  part: (p) => PART_KEYS[p],
  fill: (key, args) => key.replace(/\{(\d+)\}/g, (m, i: string) => args[Number(i)] ?? m),
};
