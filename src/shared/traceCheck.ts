/**
 * Invariants every Trace must hold, listed instead of thrown so a test (or the webview's validator)
 * can show every problem at once: lanes exist for every span and mark, spans on a lane are ordered
 * and never overlap, start <= end, and everything lies within [0, wallUs + slack].
 */
import { LANE_STATES, MARK_KINDS, type Trace, type Variant } from './trace';

/** Room past wallUs: daemon lanes are cut off when the process exits, a little after the program
 *  measured its wall time; stopping at a timeout takes a grace period. */
export function slackUs(variant: Variant): number {
  return Math.max(250_000, variant.wallUs * 0.1);
}

function checkVariant(v: Variant, where: string, problems: string[]): void {
  const lanes = new Set<number>();
  v.lanes.forEach((lane, i) => {
    if (lane.id !== i) problems.push(`${where}: lane ${i} has id ${lane.id} (ids are 0..n-1 in order)`);
    lanes.add(lane.id);
  });
  if (!(v.wallUs >= 0)) problems.push(`${where}: wallUs ${v.wallUs} is not a non-negative number`);
  const limit = v.wallUs + slackUs(v);
  const lastEnd = new Map<number, number>();
  v.spans.forEach((s, i) => {
    const at = `${where} span ${i} (lane ${s.lane}, ${s.state} ${s.start}–${s.end})`;
    if (!lanes.has(s.lane)) problems.push(`${at}: no such lane`);
    if (!LANE_STATES.includes(s.state)) problems.push(`${at}: unknown state`);
    if (!(s.start <= s.end)) problems.push(`${at}: starts after it ends`);
    if (s.start < 0) problems.push(`${at}: starts before the variant`);
    if (s.end > limit) problems.push(`${at}: ends after wallUs ${v.wallUs} + slack`);
    const prev = lastEnd.get(s.lane);
    if (prev !== undefined && s.start < prev) problems.push(`${at}: overlaps or precedes the lane's previous span (ended ${prev})`);
    lastEnd.set(s.lane, Math.max(prev ?? -Infinity, s.end));
  });
  v.marks.forEach((m, i) => {
    const at = `${where} mark ${i} (lane ${m.lane}, ${m.kind} at ${m.at})`;
    if (!lanes.has(m.lane)) problems.push(`${at}: no such lane`);
    if (!MARK_KINDS.includes(m.kind)) problems.push(`${at}: unknown kind`);
    if (m.at < 0 || m.at > limit) problems.push(`${at}: outside [0, wallUs + slack]`);
  });
  if (v.cpuUs !== undefined && !(v.cpuUs >= 0)) problems.push(`${where}: cpuUs ${v.cpuUs} is not a non-negative number`);
}

export function checkTrace(trace: Trace): string[] {
  const problems: string[] = [];
  if (trace.schema !== 1) problems.push(`schema is ${String(trace.schema)}, expected 1`);
  if (!Array.isArray(trace.variants)) return [...problems, 'variants is not a list'];
  const ids = new Set<string>();
  trace.variants.forEach((v, i) => {
    const where = `variant ${i} "${v.id}"`;
    if (ids.has(v.id)) problems.push(`${where}: duplicate id`);
    ids.add(v.id);
    checkVariant(v, where, problems);
  });
  return problems;
}
