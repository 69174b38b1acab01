/**
 * Folds a program's events (engine-time ns) and the sampler's readings into the `Variant`s of
 * src/shared/trace.ts: lanes numbered in order of appearance, spans per lane with `cpu` split into
 * measured `running`/`ready`, `done` from a lane's end to the variant's end, `killed` marks for lanes
 * still open at exit. Times become µs since the variant's `variant` event.
 */
import type { HelloEvent, ProgramEvent } from '../shared/events';
import type { Lane, Mark, Outcome, Span, StateMethod, Variant } from '../shared/trace';
import { bestMethod, splitCpuInterval } from './cpuSplit';
import { LaneTracks, type LaneTrack } from './laneTracks';
import type { RunSample } from './sampler';
import type { VariantSpec } from './variants';

export interface TimedEvent {
  event: ProgramEvent;
  conn: number;
  /** Engine time the event was received (orders events that carry no `t`). */
  at: number;
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
  /** Used when the program announced no variant. */
  fallback: VariantSpec;
  samples?: (laneKey: string) => RunSample[] | undefined;
  /** The engine stopped the program (timeout, cancel) or it crashed: every open lane was killed. */
  killedRun?: boolean;
}

export interface BuildResult {
  variants: Variant[];
  method: StateMethod;
  hello?: HelloEvent;
}

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
    if (prev && prev.state === s.state && prev.note === s.note && prev.end === start) prev.end = s.end;
    else out.push({ ...s, start });
  }
  return out;
}

export class TraceBuilder {
  private readonly events: TimedEvent[] = [];
  private readonly closes = new Map<number, number>();
  hello?: HelloEvent;

  add(e: TimedEvent): void {
    if (e.event.k === 'hello') {
      this.hello ??= e.event; // the first hello is the program's main process
      return;
    }
    if (e.event.k !== 'clock') this.events.push(e);
  }

  connectionClosed(conn: number, at: number): void {
    this.closes.set(conn, at);
  }

  get eventCount(): number {
    return this.events.length;
  }

  build(opts: BuildOptions): BuildResult {
    const sorted = this.events.map((e, i) => ({ e, i })).sort((a, b) => eventTime(a.e) - eventTime(b.e) || a.i - b.i);
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
      raws.push({ id: opts.fallback.id, title: opts.fallback.title, t0: Math.min(first, opts.exitAt) });
    }
    if (orphanOutcome) raws[0].outcome = { ...orphanOutcome, ...raws[0].outcome };

    let method: StateMethod = 'none';
    const laneSpans = new Map<string, Span[]>();
    for (const lane of tracks.lanes.values()) {
      const { spans, method: m } = this.laneSpansNs(lane, opts.samples?.(lane.key));
      laneSpans.set(lane.key, spans);
      method = bestMethod(method, m);
    }

    const variants = raws.map((raw, i) => {
      const windowStart = i === 0 ? -Infinity : raw.t0;
      const windowEnd = i + 1 < raws.length ? raws[i + 1].t0 : Infinity;
      const endT = raw.endT ?? Math.min(windowEnd, opts.exitAt);
      return this.variant(raw, endT, windowStart, windowEnd, [...tracks.lanes.values()], laneSpans, method !== 'none');
    });
    return { variants, method, hello: this.hello };
  }

  /** A lane's spans on the engine clock, cpu split into running/ready. */
  private laneSpansNs(lane: LaneTrack, samples: RunSample[] | undefined): { spans: Span[]; method: StateMethod } {
    const spans: Span[] = [];
    let method: StateMethod = 'none';
    for (const iv of lane.intervals) {
      if (iv.intent !== 'cpu') {
        spans.push({ lane: 0, state: iv.intent, start: iv.start, end: iv.end, note: iv.note });
        continue;
      }
      const split = splitCpuInterval(iv.start, iv.end, samples, iv.c0, iv.c1);
      method = bestMethod(method, split.method);
      for (const p of split.pieces) spans.push({ lane: 0, state: p.state, start: p.start, end: p.end, note: iv.note });
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
    const spans: Span[] = [];
    const marks: Mark[] = [];
    let runningUs = 0;
    const inWindow = (t: number): boolean => t >= windowStart && t < windowEnd;
    const members = tracks
      .filter((l) => inWindow(l.firstT) || (laneSpans.get(l.key) ?? []).some((s) => s.end > windowStart && s.start < windowEnd))
      .sort((a, b) => a.firstT - b.firstT || a.order - b.order);
    for (const track of members) {
      const id = lanes.length;
      lanes.push({ id, name: track.name, kind: track.kind, ...(track.daemon !== undefined ? { daemon: track.daemon } : {}) });
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
        if (s.state === 'running') runningUs += s.end - s.start;
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
    if (raw.cpu !== undefined) variant.cpuUs = Math.round(raw.cpu / 1000);
    else if (measured && lanes.length) variant.cpuUs = runningUs;
    if (raw.outcome) variant.outcome = raw.outcome;
    return variant;
  }
}
