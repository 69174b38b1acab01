/**
 * Invariants every Trace must hold, listed instead of thrown so the engine can report them with the
 * trace, and a test (or the webview's validator) can show every problem at once: lanes exist for
 * every span and mark, spans on a lane are ordered and never overlap, start <= end, everything lies
 * within [0, wallUs + slack], a process never ran longer than its cores allow, a lane that ended
 * is not also marked killed, and variant ids are unique.
 */
import { isLaneState, isMarkKind, type Trace, type Variant } from './trace';

/** Room past wallUs: daemon lanes are cut off when the process exits, a little after the program
 *  measured its wall time; stopping at a timeout takes a grace period. */
export function slackUs(variant: Pick<Variant, 'wallUs'>): number {
  return Math.max(250_000, variant.wallUs * 0.1);
}

/** The kernel credits run time at scheduler ticks: allow one tick per lane of rounding. */
export const TICK_US = 4_000;

/** Most CPU time `lanes` lanes can show in a variant on `cpus` cores (the engine keeps within it too). */
export function cpuLimitUs(v: Pick<Variant, 'wallUs'>, cpus: number, lanes: number): number {
  return cpus * (v.wallUs + slackUs(v)) + TICK_US * lanes;
}

function checkSpans(v: Variant, where: string, cpus: number, problems: string[]): void {
  const lanes = new Set(v.lanes.map((l) => l.id));
  const limit = v.wallUs + slackUs(v);
  const lastEnd = new Map<number, number>();
  const runningByPid = new Map<number, { us: number; lanes: number }>();
  const done = new Set<number>();
  v.spans.forEach((s, i) => {
    const at = `${where} span ${i} (lane ${s.lane}, ${s.state} ${s.start}–${s.end})`;
    if (!lanes.has(s.lane)) problems.push(`${at}: no such lane`);
    if (!isLaneState(s.state)) problems.push(`${at}: unknown state`);
    if (!(s.start <= s.end)) problems.push(`${at}: starts after it ends`);
    if (!(s.start >= 0)) problems.push(`${at}: starts before the variant`);
    if (!(s.end <= limit)) problems.push(`${at}: ends after wallUs ${v.wallUs} + slack`);
    const prev = lastEnd.get(s.lane);
    if (prev !== undefined && s.start < prev) problems.push(`${at}: overlaps or precedes the lane's previous span (ended ${prev})`);
    lastEnd.set(s.lane, Math.max(prev ?? -Infinity, s.end));
    if (s.state === 'done') done.add(s.lane);
    const lane = v.lanes[s.lane];
    if (s.state === 'running' && lane && lane.kind !== 'task') {
      const pid = lane.pid ?? -1;
      const r = runningByPid.get(pid) ?? { us: 0, lanes: 0 };
      r.us += s.end - s.start;
      runningByPid.set(pid, r);
    }
  });
  for (const [pid, r] of runningByPid) {
    const lanesOfPid = v.lanes.filter((l) => (l.pid ?? -1) === pid && l.kind !== 'task').length;
    if (pid >= 0 && r.us > cpuLimitUs(v, cpus, lanesOfPid)) problems.push(`${where}: process ${pid} ran ${r.us} µs on ${cpus} cores in ${v.wallUs} µs`);
  }
  v.marks.forEach((m, i) => {
    const at = `${where} mark ${i} (lane ${m.lane}, ${m.kind} at ${m.at})`;
    if (!lanes.has(m.lane)) problems.push(`${at}: no such lane`);
    if (!isMarkKind(m.kind)) problems.push(`${at}: unknown kind`);
    if (!(m.at >= 0 && m.at <= limit)) problems.push(`${at}: outside [0, wallUs + slack]`);
    if (m.kind === 'killed' && done.has(m.lane)) problems.push(`${at}: the lane ended before, so it was not killed`);
  });
}

function checkVariant(v: Variant, where: string, cpus: number, problems: string[]): void {
  v.lanes.forEach((lane, i) => {
    if (lane.id !== i) problems.push(`${where}: lane ${i} has id ${lane.id} (ids are 0..n-1 in order)`);
  });
  if (!(Number.isFinite(v.wallUs) && v.wallUs >= 0)) problems.push(`${where}: wallUs ${v.wallUs} is not a non-negative number`);
  checkSpans(v, where, cpus, problems);
  if (v.cpuUs !== undefined && !(v.cpuUs >= 0 && v.cpuUs <= cpuLimitUs(v, cpus, v.lanes.length))) {
    problems.push(`${where}: cpuUs ${v.cpuUs} is impossible on ${cpus} cores in ${v.wallUs} µs`);
  }
  for (const o of v.output ?? []) {
    if (!Number.isFinite(o.at)) {
      problems.push(`${where}: output at ${o.at} µs is not a time`);
      break;
    }
  }
  for (const t of v.stuck?.threads ?? []) if (!v.lanes[t.lane]) problems.push(`${where}: stuck thread on missing lane ${t.lane}`);
}

export function checkTrace(trace: Trace): string[] {
  const problems: string[] = [];
  if (trace.schema !== 2) problems.push(`schema is ${String(trace.schema)}, expected 2`);
  if (!Array.isArray(trace.variants)) return [...problems, 'variants is not a list'];
  const cpus = Math.max(1, trace.env?.cpus ?? 1);
  const ids = new Set<string>();
  trace.variants.forEach((v, i) => {
    const where = `variant ${i} "${v.id}"`;
    if (ids.has(v.id)) problems.push(`${where}: duplicate id`);
    ids.add(v.id);
    checkVariant(v, where, cpus, problems);
  });
  return problems;
}
