/**
 * Trace → Chrome Trace Event JSON (opens in Perfetto and chrome://tracing). One pid per variant,
 * one tid per lane; each lane's spans never overlap, so complete events ("X") on a tid nest trivially.
 * Marks become thread-scoped instant events. Timestamps are µs since the variant's start.
 */
import type { LaneState, Trace } from './trace';

export interface ChromeTraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  s?: 't';
  cat?: string;
  cname?: string;
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, unknown>;
}

/** Colour names the trace viewers know, matching the chart's convention. */
const COLOURS: Record<LaneState, string> = {
  running: 'good',
  ready: 'yellow',
  sleeping: 'grey',
  io: 'thread_state_iowait',
  'lock-wait': 'terrible',
  idle: 'thread_state_sleeping',
  done: 'white',
};

export function toChromeTrace(trace: Trace): ChromeTrace {
  const events: ChromeTraceEvent[] = [];
  trace.variants.forEach((v, vi) => {
    const pid = vi + 1;
    events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `${v.title} (${v.id})` } });
    events.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: vi } });
    for (const lane of v.lanes) {
      const label = lane.daemon ? `${lane.name} (daemon)` : lane.name;
      events.push({ name: 'thread_name', ph: 'M', pid, tid: lane.id + 1, args: { name: label } });
      events.push({ name: 'thread_sort_index', ph: 'M', pid, tid: lane.id + 1, args: { sort_index: lane.id } });
    }
    for (const s of v.spans) {
      if (s.state === 'done') continue; // a finished lane is empty space in a trace viewer
      events.push({
        name: s.state,
        cat: 'state',
        ph: 'X',
        pid,
        tid: s.lane + 1,
        ts: s.start,
        dur: s.end - s.start,
        cname: COLOURS[s.state],
        ...(s.note ? { args: { note: s.note } } : {}),
      });
    }
    for (const m of v.marks) {
      events.push({ name: m.kind, cat: 'mark', ph: 'i', s: 't', pid, tid: m.lane + 1, ts: m.at, ...(m.note ? { args: { note: m.note } } : {}) });
    }
  });
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: { scenario: trace.scenario, runtime: trace.runtime, startedAt: trace.startedAt, params: trace.params, env: trace.env },
  };
}
