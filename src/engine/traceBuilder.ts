/**
 * Folds a program's events (engine-time ns), the sampler's kernel readings and the program's output
 * into the `Variant`s of src/shared/trace.ts: lanes numbered in order of appearance, spans per lane
 * with `cpu` split by the kernel into running / core-wait / gil-wait / blocked, `done` from a lane's
 * end to the variant's end, `killed` marks for lanes still open when their process went away, the
 * output with times, the exit code, and where a timed-out run was stuck. Times become µs since the
 * variant's start.
 *
 * What it returns passes checkTrace whatever the program sent: events dated far outside the run, a
 * second announcement of a variant, and figures of the program's own that the run could not have
 * produced are refused and counted in `rejected`; nothing is drawn after the exit, nor past a
 * variant's wall and the checker's slack; running time stays within the cores (runningCap.ts).
 */
import * as os from 'node:os';
import type { HelloEvent, ProgramEvent, StuckEvent } from '../shared/events';
import type { Lane, Mark, Outcome, OutputChunk, OutputStream, StateMethod, Variant } from '../shared/trace';
import { cpuLimitUs, slackUs } from '../shared/traceCheck';
import { bestMethod, splitCpuInterval, type LaneContext } from './cpuSplit';
import { LaneTracks, type LaneTrack, type RawInterval } from './laneTracks';
import type { ProgramExit } from './processTree';
import { capRunning, type RunningSource, type SourcedSpan } from './runningCap';
import type { RunSample } from './sampler';
import { buildStuck } from './stuckReport';
import type { VariantSpec } from '../shared/variants';

export interface TimedEvent {
  event: ProgramEvent;
  conn: number;
  /** Engine time the event was received (orders events that carry no `t`). */
  at: number;
}

export interface TimedOutput {
  /** Engine time of receipt, ns. */
  t: number;
  stream: OutputStream;
  text: string;
}

interface RawVariant {
  id: string;
  title: string;
  t0: number;
  endT?: number;
  wall?: number;
  cpu?: number;
  outcome?: Outcome;
}

export interface BuildOptions {
  /** When the program's main process exited or was stopped (engine ns). */
  exitAt: number;
  /** When the program was started (engine ns): the variant's start when it announced none. */
  startAt?: number;
  /** Used when the program announced no variant. */
  fallback: VariantSpec;
  samples?: (laneKey: string) => RunSample[] | undefined;
  /** The engine stopped the program (timeout, cancel) or it crashed: every open lane was killed. */
  killedRun?: boolean;
  output?: TimedOutput[];
  outputTruncated?: number;
  exit?: ProgramExit;
  /** Cores of the machine the program ran on (the trace's `env.cpus`); default: this machine's. */
  cpus?: number;
}

export interface BuildResult {
  variants: Variant[];
  method: StateMethod;
  hello?: HelloEvent;
  /**
   * Events and figures refused: dated more than TIME_SLACK_NS outside the run, a variant announced
   * again, an end of no open variant, a wall or CPU figure the run could not have produced.
   */
  rejected: number;
}

/**
 * Events more than this far outside [start, exit] are refused: clocks of one machine agree closer.
 * Closer ones are drawn at the edge: the engine's stop (a dump, then the kill's grace period) and
 * the last words of a process ended with the run come after `exitAt`, but the trace ends there.
 */
const TIME_SLACK_NS = 2e9;
/** A program's wall is measured on its own clock: rounding of the mapped times, not more. */
const WALL_TOLERANCE_NS = 1e6;

const eventTime = (e: TimedEvent): number => ('t' in e.event ? e.event.t : e.at);

function toUs(ns: number, t0: number): number {
  return Math.max(0, Math.round((ns - t0) / 1000));
}

/** The checker's room past a wall of `wallNs` (drawing stops there), in ns. */
const slackNs = (wallNs: number): number => slackUs({ wallUs: wallNs / 1000 }) * 1000;

/** Sorts, drops empty spans, removes overlaps left by rounding and merges same-state neighbours. */
export function normalizeSpans<S extends SourcedSpan>(spans: S[]): S[] {
  const out: S[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const prev = out[out.length - 1];
    const start = prev ? Math.max(s.start, prev.end) : s.start;
    if (s.end <= start) continue;
    const same = prev && prev.state === s.state && prev.note === s.note && prev.where === s.where && prev.src === s.src;
    if (same && prev.end === start) prev.end = s.end;
    else out.push({ ...s, start });
  }
  return out;
}

export class TraceBuilder {
  private readonly events: TimedEvent[] = [];
  private readonly closes = new Map<number, number>();
  private readonly hellos = new Map<number, HelloEvent>();
  private readonly stuckEvents: StuckEvent[] = [];
  hello?: HelloEvent;

  add(e: TimedEvent): void {
    const ev = e.event;
    if (ev.k === 'hello') {
      this.hello ??= ev; // the first hello is the program's main process
      this.hellos.set(e.conn, ev);
    } else if (ev.k === 'stuck') this.stuckEvents.push(ev);
    else if (ev.k !== 'clock' && ev.k !== 'dumped') this.events.push(e);
  }

  connectionClosed(conn: number, at: number): void {
    this.closes.set(conn, at);
  }

  get eventCount(): number {
    return this.events.length;
  }

  private laneContext(conn: number): LaneContext {
    const hello = this.hellos.get(conn);
    return hello ? { runtime: hello.runtime, gil: hello.runtime === 'python' ? hello.gil !== false : undefined } : {};
  }

  build(opts: BuildOptions): BuildResult {
    const cpus = Math.max(1, opts.cpus ?? os.cpus().length);
    const first = opts.startAt ?? -Infinity;
    let rejected = 0;
    const inRun: TimedEvent[] = [];
    for (const e of this.events) {
      const t = eventTime(e);
      if (!(t >= first - TIME_SLACK_NS && t <= opts.exitAt + TIME_SLACK_NS)) rejected++;
      else if ('t' in e.event && (t < first || t > opts.exitAt)) inRun.push({ ...e, event: { ...e.event, t: Math.min(Math.max(t, first), opts.exitAt) } });
      else inRun.push(e);
    }
    const sorted = inRun.map((e, i) => ({ e, i })).sort((a, b) => eventTime(a.e) - eventTime(b.e) || a.i - b.i);
    const tracks = new LaneTracks();
    const raws: RawVariant[] = [];
    let orphanOutcome: Outcome | undefined;
    for (const { e } of sorted) {
      const ev = e.event;
      if (ev.k === 'variant') {
        // Announced again: the first announcement stands (two variants of one id cannot be told apart).
        if (raws.some((r) => r.id === ev.id)) rejected++;
        else raws.push({ id: ev.id, title: ev.title, t0: ev.t });
      } else if (ev.k === 'variant-end') {
        const last = raws[raws.length - 1];
        const v = raws.find((r) => r.id === ev.id && r.endT === undefined) ?? (last?.endT === undefined ? last : undefined);
        if (v) Object.assign(v, { endT: ev.t, wall: ev.wall, cpu: ev.cpu });
        else rejected++; // no variant is open to end
      } else if (ev.k === 'outcome') {
        const { k: _k, ...outcome } = ev;
        const current = raws[raws.length - 1];
        if (current) current.outcome = { ...current.outcome, ...outcome };
        else orphanOutcome = { ...orphanOutcome, ...outcome };
      } else tracks.apply(ev, e.conn);
    }
    tracks.finish(opts.exitAt, (c) => this.closes.get(c), opts.killedRun ?? false);
    if (!raws.length) {
      const earliest = sorted.length ? eventTime(sorted[0].e) : opts.exitAt;
      raws.push({ id: opts.fallback.id, title: opts.fallback.title, t0: opts.startAt ?? Math.min(earliest, opts.exitAt) });
    }
    if (orphanOutcome) raws[0].outcome = { ...orphanOutcome, ...raws[0].outcome };

    let method: StateMethod = 'none';
    const laneSpans = new Map<string, SourcedSpan[]>();
    const names = new Map([...tracks.lanes.values()].map((l) => [l.key, l.name]));
    for (const lane of tracks.lanes.values()) {
      const samples = this.withOrigin(lane, opts.samples?.(lane.key), opts.startAt);
      const { spans, method: m } = this.laneSpansNs(lane, samples, names);
      laneSpans.set(lane.key, spans);
      method = bestMethod(method, m);
    }

    const variants = raws.map((raw, i) => {
      const windowStart = i === 0 ? -Infinity : raw.t0;
      const windowEnd = i + 1 < raws.length ? raws[i + 1].t0 : Infinity;
      const endT = raw.endT ?? Math.min(windowEnd, opts.exitAt);
      // A program's own wall is kept only if the run could have produced it, and its own variant
      // and variant-end agree with it (within the slack the drawing has past the wall).
      const w = raw.wall;
      if (w !== undefined && !(w >= 0 && w <= opts.exitAt - raw.t0 + WALL_TOLERANCE_NS && w + slackNs(w) >= endT - raw.t0)) {
        raw.wall = undefined;
        rejected++;
      }
      const built = this.variant(raw, endT, windowStart, windowEnd, [...tracks.lanes.values()], laneSpans, method !== 'none', cpus);
      rejected += built.rejected;
      return built.variant;
    });
    this.finishLast(variants[variants.length - 1], raws[raws.length - 1].t0, opts);
    return { variants, method, hello: this.hello, rejected };
  }

  /** Output, exit code and the stuck report belong to the run's last variant (one process each). */
  private finishLast(v: Variant, t0: number, opts: BuildOptions): void {
    if (opts.output) {
      // Relative to the variant's start: negative when printed before it began (a program's own
      // set-up before its first variant), past wallUs when printed after it ended.
      v.output = opts.output.map((o): OutputChunk => ({ at: Math.round((o.t - t0) / 1000), stream: o.stream, text: o.text }));
      if (opts.outputTruncated) v.outputTruncated = opts.outputTruncated;
    }
    if (opts.exit) {
      v.exitCode = opts.exit.code;
      if (opts.exit.signal) v.signal = opts.exit.signal;
    }
    if (this.stuckEvents.length) {
      const ids = new Map(v.lanes.map((l, i) => [this.laneKeys.get(v)?.[i] ?? '', l.id]));
      const stuck = buildStuck(this.stuckEvents, { id: (key) => ids.get(key), nameOf: (id) => v.lanes[id]?.name ?? `lane ${id}` });
      if (stuck) v.stuck = stuck;
    }
  }

  /** Lane keys of each built variant, index = lane id (for the stuck report). */
  private readonly laneKeys = new WeakMap<Variant, string[]>();

  /**
   * The kernel's counters of a thread start at zero when the thread is created, so a new thread's
   * first stretch is measured even before the sampler's first reading (which comes only once the
   * engine has its lane event, up to a batch later): a reading of zeros at the thread's start. The
   * same for the program's main thread at spawn. Not for a child process's main lane (it begins
   * after the interpreter started) nor a task lane (its thread is the event loop's).
   */
  private withOrigin(lane: LaneTrack, samples: RunSample[] | undefined, startAt: number | undefined): RunSample[] | undefined {
    if (!samples?.length) return samples;
    const rootMain = lane.kind === 'main' && this.hellos.get(lane.conn)?.pid === this.hello?.pid;
    const origin = lane.kind === 'thread' || lane.kind === 'worker' ? lane.firstT : rootMain ? startAt : undefined;
    if (origin === undefined || !(origin < samples[0].t)) return samples;
    return [{ t: origin, run: 0, wait: 0 }, ...samples];
  }

  private intervalNote(iv: RawInterval, names: Map<string, string>): string | undefined {
    if (iv.obj === undefined) return iv.note;
    const holder = iv.holder !== undefined ? names.get(iv.holder) : undefined;
    return holder ? `${iv.obj} held by ${holder}` : iv.obj;
  }

  /** A lane's spans on the engine clock, cpu split by the kernel's readings. */
  private laneSpansNs(lane: LaneTrack, samples: RunSample[] | undefined, names: Map<string, string>): { spans: SourcedSpan[]; method: StateMethod } {
    const spans: SourcedSpan[] = [];
    let method: StateMethod = 'none';
    const ctx = this.laneContext(lane.conn);
    for (const iv of lane.intervals) {
      const where = iv.where !== undefined ? { where: iv.where } : {};
      if (iv.intent !== 'cpu') {
        spans.push({ lane: 0, state: iv.intent, start: iv.start, end: iv.end, note: this.intervalNote(iv, names), ...where });
        continue;
      }
      const split = splitCpuInterval(iv.start, iv.end, samples, iv.c0, iv.c1, ctx);
      method = bestMethod(method, split.method);
      const measuredBy: RunningSource = split.method === 'schedstat' ? 'kernel' : 'clock';
      for (const p of split.pieces) {
        const span: SourcedSpan = { lane: 0, state: p.state, start: p.start, end: p.end, note: p.note ?? iv.note };
        if (p.state === 'running') span.src = p.claimed ? 'claimed' : measuredBy;
        spans.push(span);
      }
    }
    return { spans, method };
  }

  private variant(
    raw: RawVariant,
    endT: number,
    windowStart: number,
    windowEnd: number,
    tracks: LaneTrack[],
    laneSpans: Map<string, SourcedSpan[]>,
    measured: boolean,
    cpus: number,
  ): { variant: Variant; rejected: number } {
    const t0 = raw.t0;
    const wallUs = raw.wall !== undefined ? Math.round(raw.wall / 1000) : toUs(endT, t0);
    // Drawn up to the wall and the checker's slack (daemon lanes cut off at the exit, a stop's
    // grace period); what a lane did later is outside the variant.
    const limitUs = Math.floor(wallUs + slackUs({ wallUs }));
    const lanes: Lane[] = [];
    const keys: string[] = [];
    const byLane: SourcedSpan[][] = [];
    const marks: Mark[] = [];
    const inWindow = (t: number): boolean => t >= windowStart && t < windowEnd;
    const members = tracks
      .filter((l) => inWindow(l.firstT) || (laneSpans.get(l.key) ?? []).some((s) => s.end > windowStart && s.start < windowEnd))
      .sort((a, b) => a.firstT - b.firstT || a.order - b.order);
    for (const track of members) {
      const id = lanes.length;
      const lane: Lane = { id, name: track.name, kind: track.kind };
      if (track.daemon !== undefined) lane.daemon = track.daemon;
      if (track.pid !== undefined) lane.pid = track.pid;
      if (track.target !== undefined) lane.target = track.target;
      if (track.where !== undefined) lane.where = track.where;
      lanes.push(lane);
      keys.push(track.key);
      const own: SourcedSpan[] = [];
      const add = (s: SourcedSpan, startNs: number, endNs: number): void => {
        const start = toUs(Math.max(startNs, windowStart, t0), t0);
        const end = Math.min(toUs(Math.min(endNs, windowEnd), t0), limitUs);
        if (end > start) own.push({ ...s, lane: id, start, end });
      };
      for (const s of laneSpans.get(track.key) ?? []) add(s, s.start, s.end);
      const ended = track.endedAt;
      if (ended !== undefined && inWindow(ended) && ended < endT && track.killedAt === undefined) {
        add({ lane: id, state: 'done', start: 0, end: 0 }, ended, endT);
      }
      byLane.push(normalizeSpans(own));
      for (const m of track.marks) {
        const at = toUs(m.at, t0);
        if (inWindow(m.at) && at <= limitUs) marks.push({ lane: id, at, kind: m.kind, ...(m.note !== undefined ? { note: m.note } : {}) });
      }
    }
    const extentUs = byLane.reduce((n, list) => Math.max(n, list[list.length - 1]?.end ?? 0), wallUs);
    capRunning(byLane, lanes, cpus, extentUs);
    const spans = byLane.flatMap((list) => normalizeSpans(list).map(({ src: _src, ...s }) => {
      if (s.note === undefined) delete s.note;
      if (s.where === undefined) delete s.where;
      return s;
    }));
    // A task runs on its loop's thread, whose own lane already counts that CPU time.
    const runningUs = spans.reduce((n, s) => (s.state === 'running' && lanes[s.lane].kind !== 'task' ? n + s.end - s.start : n), 0);
    marks.sort((a, b) => a.at - b.at);
    const variant: Variant = { id: raw.id, title: raw.title, wallUs, lanes, spans, marks };
    this.laneKeys.set(variant, keys);
    let rejected = 0;
    // Measured on-CPU time is the truth; a program's own figure only when nothing was measured,
    // and refused (not clamped) when its cores could not have produced it: a clamped figure
    // would be a number nobody measured.
    if (measured && lanes.length) variant.cpuUs = runningUs;
    else if (raw.cpu !== undefined) {
      const cpuUs = Math.round(raw.cpu / 1000);
      if (raw.cpu >= 0 && cpuUs <= cpuLimitUs(variant, cpus, lanes.length)) variant.cpuUs = cpuUs;
      else rejected++;
    }
    if (raw.outcome) variant.outcome = raw.outcome;
    return { variant, rejected };
  }
}
