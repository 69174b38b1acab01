/**
 * Folds a program's events (engine-time ns), the sampler's kernel readings and the program's output
 * into the `Variant`s of src/shared/trace.ts: lanes numbered in order of appearance, spans per lane
 * with `cpu` split by the kernel into running / core-wait / gil-wait / blocked, `done` from a lane's
 * end to the variant's end, `killed` marks for lanes still open when their process went away, the
 * output with times, the exit code, and where a timed-out run was stuck. Times become µs since the
 * variant's start. Events dated outside the run are refused and counted, never drawn.
 */
import type { HelloEvent, ProgramEvent, StuckEvent } from '../shared/events';
import type { Lane, Mark, Outcome, OutputChunk, OutputStream, Span, StateMethod, Variant } from '../shared/trace';
import { bestMethod, splitCpuInterval, type LaneContext } from './cpuSplit';
import { LaneTracks, type LaneTrack, type RawInterval } from './laneTracks';
import type { ProgramExit } from './processTree';
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
}

export interface BuildResult {
  variants: Variant[];
  method: StateMethod;
  hello?: HelloEvent;
  /** Events refused for times outside the run. */
  rejected: number;
}

/** Events more than this far outside [start, exit] are refused: clocks of one machine agree closer. */
const TIME_SLACK_NS = 2e9;

const eventTime = (e: TimedEvent): number => ('t' in e.event ? e.event.t : e.at);

function toUs(ns: number, t0: number): number {
  return Math.max(0, Math.round((ns - t0) / 1000));
}

/** Sorts, drops empty spans, removes overlaps left by rounding and merges same-state neighbours. */
export function normalizeSpans(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const prev = out[out.length - 1];
    const start = prev ? Math.max(s.start, prev.end) : s.start;
    if (s.end <= start) continue;
    if (prev && prev.state === s.state && prev.note === s.note && prev.where === s.where && prev.end === start) prev.end = s.end;
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
    const low = (opts.startAt ?? -Infinity) - TIME_SLACK_NS;
    const high = opts.exitAt + TIME_SLACK_NS;
    let rejected = 0;
    const inRun = this.events.filter((e) => {
      const t = eventTime(e);
      const ok = t >= low && t <= high;
      if (!ok) rejected++;
      return ok;
    });
    const sorted = inRun.map((e, i) => ({ e, i })).sort((a, b) => eventTime(a.e) - eventTime(b.e) || a.i - b.i);
    const tracks = new LaneTracks();
    const raws: RawVariant[] = [];
    let orphanOutcome: Outcome | undefined;
    for (const { e } of sorted) {
      const ev = e.event;
      if (ev.k === 'variant') raws.push({ id: ev.id, title: ev.title, t0: ev.t });
      else if (ev.k === 'variant-end') {
        const v = [...raws].reverse().find((r) => r.id === ev.id && r.endT === undefined) ?? raws[raws.length - 1];
        if (v) Object.assign(v, { endT: ev.t, wall: ev.wall, cpu: ev.cpu });
      } else if (ev.k === 'outcome') {
        const { k: _k, ...outcome } = ev;
        const current = raws[raws.length - 1];
        if (current) current.outcome = { ...current.outcome, ...outcome };
        else orphanOutcome = { ...orphanOutcome, ...outcome };
      } else tracks.apply(ev, e.conn);
    }
    tracks.finish(opts.exitAt, (c) => this.closes.get(c), opts.killedRun ?? false);
    if (!raws.length) {
      const first = sorted.length ? eventTime(sorted[0].e) : opts.exitAt;
      raws.push({ id: opts.fallback.id, title: opts.fallback.title, t0: opts.startAt ?? Math.min(first, opts.exitAt) });
    }
    if (orphanOutcome) raws[0].outcome = { ...orphanOutcome, ...raws[0].outcome };

    let method: StateMethod = 'none';
    const laneSpans = new Map<string, Span[]>();
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
      // A program's own wall figure is kept only if the run could have produced it.
      if (raw.wall !== undefined && !(raw.wall >= 0 && raw.wall <= opts.exitAt - raw.t0 + TIME_SLACK_NS)) {
        raw.wall = undefined;
        rejected++;
      }
      return this.variant(raw, endT, windowStart, windowEnd, [...tracks.lanes.values()], laneSpans, method !== 'none');
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
  private laneSpansNs(lane: LaneTrack, samples: RunSample[] | undefined, names: Map<string, string>): { spans: Span[]; method: StateMethod } {
    const spans: Span[] = [];
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
      for (const p of split.pieces) spans.push({ lane: 0, state: p.state, start: p.start, end: p.end, note: p.note ?? iv.note });
    }
    return { spans, method };
  }

  private variant(
    raw: RawVariant,
    endT: number,
    windowStart: number,
    windowEnd: number,
    tracks: LaneTrack[],
    laneSpans: Map<string, Span[]>,
    measured: boolean,
  ): Variant {
    const t0 = raw.t0;
    const lanes: Lane[] = [];
    const keys: string[] = [];
    const spans: Span[] = [];
    const marks: Mark[] = [];
    let runningUs = 0;
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
      const own: Span[] = [];
      for (const s of laneSpans.get(track.key) ?? []) {
        const start = Math.max(s.start, windowStart, t0);
        const end = Math.min(s.end, windowEnd);
        if (end > start) own.push({ ...s, lane: id, start: toUs(start, t0), end: toUs(end, t0) });
      }
      const ended = track.endedAt;
      if (ended !== undefined && inWindow(ended) && ended < endT && track.killedAt === undefined) {
        own.push({ lane: id, state: 'done', start: toUs(ended, t0), end: toUs(endT, t0) });
      }
      for (const s of normalizeSpans(own)) {
        if (s.note === undefined) delete s.note;
        if (s.where === undefined) delete s.where;
        // A task runs on its loop's thread, whose own lane already counts that CPU time.
        if (s.state === 'running' && track.kind !== 'task') runningUs += s.end - s.start;
        spans.push(s);
      }
      for (const m of track.marks) {
        if (inWindow(m.at)) marks.push({ lane: id, at: toUs(m.at, t0), kind: m.kind, ...(m.note !== undefined ? { note: m.note } : {}) });
      }
    }
    marks.sort((a, b) => a.at - b.at);
    const variant: Variant = {
      id: raw.id,
      title: raw.title,
      wallUs: raw.wall !== undefined ? Math.round(raw.wall / 1000) : toUs(endT, t0),
      lanes,
      spans,
      marks,
    };
    this.laneKeys.set(variant, keys);
    // Measured on-CPU time is the truth; a program's own figure only when nothing was measured.
    if (measured && lanes.length) variant.cpuUs = runningUs;
    else if (raw.cpu !== undefined && raw.cpu >= 0) variant.cpuUs = Math.round(raw.cpu / 1000);
    if (raw.outcome) variant.outcome = raw.outcome;
    return variant;
  }
}
