/**
 * What `concurrency-lab trace` prints after the program's own output: the run in one line, each
 * lane with the share of its time in each state (measured, in words), the timeline, where a
 * timed-out run was stuck, and any problem the engine's checks found.
 */
import { LANE_STATES, type LaneState, type Trace, type Variant } from '../shared/trace';
import { GLYPHS, renderTimeline } from './cliTimeline';

export interface ReportOptions {
  width: number;
  colour: boolean;
  timeline: boolean;
}

const seconds = (us: number): string => `${(us / 1e6).toFixed(3)} s`;

/** Time per state on each lane, µs. */
export function stateTotals(v: Variant): Map<number, Map<LaneState, number>> {
  const totals = new Map<number, Map<LaneState, number>>();
  for (const s of v.spans) {
    const lane = totals.get(s.lane) ?? new Map<LaneState, number>();
    lane.set(s.state, (lane.get(s.state) ?? 0) + (s.end - s.start));
    totals.set(s.lane, lane);
  }
  return totals;
}

function laneLine(v: Variant, lane: number, totals: Map<LaneState, number> | undefined, nameWidth: number): string {
  const l = v.lanes[lane];
  // threading names a thread "Thread-1 (download)" already; a name of the program's own does not say
  const name = `${l.name}${l.target && !l.name.endsWith(`(${l.target})`) ? ` (${l.target})` : ''}${l.daemon ? ' [daemon]' : ''}`;
  const alive = [...(totals ?? new Map<LaneState, number>())].filter(([s]) => s !== 'done');
  const sum = alive.reduce((a, [, us]) => a + us, 0);
  const parts = LANE_STATES.filter((s) => s !== 'done')
    .map((s) => [s, totals?.get(s) ?? 0] as const)
    .filter(([, us]) => sum > 0 && us / sum >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([s, us]) => `${GLYPHS[s].label} ${Math.round((100 * us) / sum)}%`);
  return `  ${name.padEnd(nameWidth)}  ${seconds(sum).padStart(9)}  ${parts.join(' · ') || '–'}`;
}

function stuckLines(v: Variant): string[] {
  if (!v.stuck) return [];
  const lines = ['', 'where each thread was stuck:'];
  for (const t of v.stuck.threads) {
    const name = v.lanes[t.lane]?.name ?? `lane ${t.lane}`;
    const top = t.frames[t.frames.length - 1];
    const at = top ? `${top.file}:${top.line} in ${top.func}` : 'no stack frame';
    const waits = t.waitsFor ? ` — waits for ${t.waitsFor}${t.heldBy !== undefined ? ` held by ${v.lanes[t.heldBy]?.name ?? t.heldBy}` : ''}` : '';
    lines.push(`  ${name}: ${at}${waits}`);
  }
  if (v.stuck.summary) lines.push(`  ${v.stuck.summary}`);
  return lines;
}

export function renderTraceReport(trace: Trace, opts: ReportOptions): string {
  const v = trace.variants[0];
  if (!v) return 'no trace was recorded';
  const signal = v.signal ?? 'a signal';
  const exit =
    v.exitCode === undefined ? 'stopped' : v.exitCode !== null ? `exit code ${v.exitCode}` : v.error ? `stopped by the engine (${signal})` : `killed by ${signal}`;
  const cpu = v.cpuUs !== undefined ? ` · CPU ${seconds(v.cpuUs)}` : '';
  const lines = [`${v.title}: ${exit} · wall ${seconds(v.wallUs)}${cpu} · ${v.lanes.length} lanes${v.error ? ` · ${v.error}` : ''}`];
  const totals = stateTotals(v);
  const nameWidth = Math.min(40, Math.max(4, ...v.lanes.map((l) => l.name.length + (l.target ? l.target.length + 3 : 0))));
  for (const l of v.lanes) lines.push(laneLine(v, l.id, totals.get(l.id), nameWidth));
  if (opts.timeline && v.lanes.length) lines.push('', renderTimeline(trace, { width: opts.width, colour: opts.colour }));
  lines.push(...stuckLines(v));
  if (trace.env.stateMethod === 'none') lines.push('', 'note: this machine gives no per-thread kernel readings; "running" means "running or waiting to run".');
  if (trace.skippedEvents) lines.push(`note: ${trace.skippedEvents} malformed or out-of-range events were skipped`);
  for (const p of trace.problems ?? []) lines.push(`check failed: ${p}`);
  return lines.join('\n');
}
