/**
 * Trace → Chrome Trace Event JSON (opens in Perfetto and chrome://tracing). One pid per variant,
 * one tid per lane; each lane's spans never overlap, so complete events ("X") on a tid nest trivially.
 * Marks become thread-scoped instant events; a timed-out run's stuck threads become a `stuck`
 * instant event on their lane (the stack in its args) and a deadlock a process-scoped one.
 * Timestamps are µs since the variant's start.
 */
import type { Lane, LaneState, Trace, Variant } from './trace';

export interface ChromeTraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  s?: 't' | 'p';
  cat?: string;
  cname?: string;
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, unknown>;
}

/**
 * Reserved colour names the trace viewers know, picked for their colour (their names mean nothing
 * here) to match the chart: running green, core wait yellow, GIL wait amber, sleeping blue-grey,
 * lock wait red, join wait a softer red, I/O purple, idle light grey, blocked neutral grey.
 */
const COLOURS: Record<LaneState, string> = {
  running: 'good',
  'core-wait': 'yellow',
  'gil-wait': 'bad',
  sleeping: 'thread_state_runnable',
  'lock-wait': 'terrible',
  'join-wait': 'cq_build_attempt_failed',
  io: 'detailed_memory_dump',
  idle: 'thread_state_sleeping',
  blocked: 'generic_work',
  done: 'white',
};

/** What each state means (in otherData, once: event names are the state ids). */
const MEANING: Record<LaneState, string> = {
  running: 'on a CPU',
  'core-wait': 'runnable, waiting for a free core',
  'gil-wait': 'wanted to run Python code, waiting for the GIL',
  sleeping: 'sleeping',
  'lock-wait': 'waiting for a lock',
  'join-wait': 'waiting for a thread, process or future to finish',
  io: 'waiting for I/O',
  idle: 'idle, nothing to do',
  blocked: 'blocked in a system call no hook saw',
  done: 'ended',
};

function laneLabel(lane: Lane): string {
  let label = lane.name;
  if (lane.target && !lane.name.includes(lane.target)) label += ` [${lane.target}]`;
  if (lane.daemon) label += ' (daemon)';
  if (lane.kind === 'task') label += ' (asyncio task)';
  return label;
}

function stuckEvents(v: Variant, pid: number): ChromeTraceEvent[] {
  if (!v.stuck) return [];
  const at = v.wallUs;
  const names = new Map(v.lanes.map((l) => [l.id, l.name]));
  const events: ChromeTraceEvent[] = v.stuck.threads.map((t) => ({
    name: 'stuck',
    cat: 'stuck',
    ph: 'i',
    s: 't',
    pid,
    tid: t.lane + 1,
    ts: at,
    args: {
      // Innermost first, as a viewer's stack reads.
      stack: t.frames.map((f) => `${f.func} (${f.file}:${f.line})`).reverse(),
      ...(t.waitsFor ? { waitsFor: t.waitsFor } : {}),
      ...(t.heldBy !== undefined ? { heldBy: names.get(t.heldBy) ?? `lane ${t.heldBy}` } : {}),
    },
  }));
  if (v.stuck.deadlock?.length || v.stuck.summary) {
    events.push({
      name: 'deadlock',
      cat: 'stuck',
      ph: 'i',
      s: 'p',
      pid,
      tid: 0,
      ts: at,
      args: { lanes: (v.stuck.deadlock ?? []).map((id) => names.get(id) ?? `lane ${id}`), ...(v.stuck.summary ? { summary: v.stuck.summary } : {}) },
    });
  }
  return events;
}

export function toChromeTrace(trace: Trace): ChromeTrace {
  const events: ChromeTraceEvent[] = [];
  trace.variants.forEach((v, vi) => {
    const pid = vi + 1;
    events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `${v.title} (${v.id})` } });
    events.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: vi } });
    for (const lane of v.lanes) {
      events.push({ name: 'thread_name', ph: 'M', pid, tid: lane.id + 1, args: { name: laneLabel(lane) } });
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
        ...(s.note || s.where ? { args: { ...(s.note ? { note: s.note } : {}), ...(s.where ? { where: s.where } : {}) } } : {}),
      });
    }
    for (const m of v.marks) {
      events.push({ name: m.kind, cat: 'mark', ph: 'i', s: 't', pid, tid: m.lane + 1, ts: m.at, ...(m.note ? { args: { note: m.note } } : {}) });
    }
    events.push(...stuckEvents(v, pid));
  });
  const variants = trace.variants.map((v) => ({
    id: v.id,
    title: v.title,
    ...(v.exitCode !== undefined ? { exitCode: v.exitCode } : {}),
    ...(v.signal ? { signal: v.signal } : {}),
    ...(v.error ? { error: v.error } : {}),
    ...(v.outputTruncated ? { outputTruncated: v.outputTruncated } : {}),
  }));
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      schema: trace.schema,
      scenario: trace.scenario,
      runtime: trace.runtime,
      startedAt: trace.startedAt,
      params: trace.params,
      env: trace.env,
      ...(trace.program ? { program: trace.program } : {}),
      variants,
      states: MEANING,
      ...(trace.problems?.length ? { problems: trace.problems } : {}),
      ...(trace.skippedEvents ? { skippedEvents: trace.skippedEvents } : {}),
    },
  };
}
