/**
 * The CLI's tables: per variant wall and CPU time, speedup against the first variant and outcome
 * (with the exit status when it was not 0); then the time all lanes spent in each state; then, for
 * a timed-out run, where each thread was stuck.
 */
import { BREAKDOWN_PARTS, type BreakdownPart } from '../shared/breakdown';
import { variantFigures, type VariantFigures } from '../shared/figures';
import { ENGLISH, findings, formatFinding } from '../shared/findings';
import { SCENARIOS } from '../shared/scenarios';
import { LANE_STATES, type LaneState, type Outcome, type Trace, type Variant } from '../shared/trace';

/** Lays out rows in columns; `align` has one 'l' or 'r' per column. */
function pad(cells: string[][], align: string): string {
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells
    .map((row) => row.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

const ms = (us: number | undefined): string => (us === undefined ? '–' : (us / 1000).toFixed(1));

export function describeOutcome(o: Outcome | undefined): string {
  if (!o) return '';
  const parts: string[] = [];
  if (o.expected !== undefined) parts.push(`expected ${o.expected}`);
  if (o.actual !== undefined) parts.push(`actual ${o.actual}`);
  if (o.ok !== undefined) parts.push(o.ok ? 'ok' : 'WRONG');
  return parts.join(', ');
}

function speedup(first: Variant, v: Variant): string {
  return v.wallUs > 0 && first.wallUs > 0 ? `${(first.wallUs / v.wallUs).toFixed(2)}×` : '–';
}

/** "exit code 1", "killed by SIGTERM"; empty for a clean exit or when the trace does not say. */
export function describeExit(v: Variant): string {
  if (v.exitCode === undefined || v.exitCode === 0) return '';
  if (v.exitCode === null) return v.signal ? `killed by ${v.signal}` : 'killed by a signal';
  return `exit code ${v.exitCode}`;
}

/** Always shown: the CPU split and the two synchronization waits; other states when they occur. */
const ALWAYS: readonly LaneState[] = ['running', 'core-wait', 'gil-wait', 'lock-wait', 'join-wait'];

/** Milliseconds all lanes of each variant spent in each state (done left out), one column per state. */
export function renderStateTable(trace: Trace): string {
  const totals = trace.variants.map((v) => {
    const t = new Map<LaneState, number>();
    for (const s of v.spans) if (s.end > s.start) t.set(s.state, (t.get(s.state) ?? 0) + s.end - s.start);
    return t;
  });
  const states = LANE_STATES.filter((s) => s !== 'done' && (ALWAYS.includes(s) || totals.some((t) => (t.get(s) ?? 0) > 0)));
  const rows = [['ms, all lanes', ...states]];
  trace.variants.forEach((v, i) => rows.push([v.title, ...states.map((s) => ms(totals[i].get(s) ?? 0))]));
  return pad(rows, `l${'r'.repeat(states.length)}`);
}

/** Where each thread of a timed-out variant was stuck, and the deadlock cycle when there is one. */
export function renderStuck(trace: Trace): string {
  const out: string[] = [];
  for (const v of trace.variants) {
    if (!v.stuck) continue;
    const name = (id: number): string => v.lanes.find((l) => l.id === id)?.name ?? `lane ${id}`;
    out.push(`stuck when ${v.title} was stopped:`);
    for (const t of v.stuck.threads) {
      const f = t.frames[t.frames.length - 1];
      const waits = t.waitsFor ? `, waits for ${t.waitsFor}${t.heldBy !== undefined ? ` held by ${name(t.heldBy)}` : ''}` : '';
      out.push(`  ${name(t.lane)}: ${f ? `${f.file}:${f.line} in ${f.func}` : 'no stack'}${waits}`);
    }
    const cycle = v.stuck.deadlock?.length ? [...v.stuck.deadlock, v.stuck.deadlock[0]].map(name).join(' → ') : '';
    // The summary is a whole sentence beginning "deadlock:"; the bare cycle gets the word added.
    if (v.stuck.summary || cycle) out.push(`  ${v.stuck.summary || `deadlock: ${cycle}`}`);
  }
  return out.join('\n');
}

/** Short column heads for the breakdown table. */
const PART_HEADS: Record<BreakdownPart, string> = {
  startup: 'start-up',
  running: 'running',
  'core-wait': 'core-wait',
  'gil-wait': 'gil-wait',
  sleeping: 'sleeping',
  'lock-wait': 'lock-wait',
  'join-wait': 'join-wait',
  io: 'io',
  idle: 'idle',
  blocked: 'blocked',
  ended: 'ended',
  untraced: 'untraced',
};

/** Where each variant's wall time went, for the average work lane (the parts add up to the wall). */
export function renderBreakdown(figures: VariantFigures[]): string {
  const parts = BREAKDOWN_PARTS.filter((p) => figures.some((f) => f.wallMs > 0 && f.share[p] >= 0.005));
  const rows = [['where the time went', 'lanes', ...parts.map((p) => PART_HEADS[p])]];
  for (const f of figures) rows.push([f.title, String(f.breakdown.lanes.length), ...parts.map((p) => `${Math.round(f.share[p] * 100)}%`)]);
  return pad(rows, `ll${'r'.repeat(parts.length)}`);
}

/** The run's findings, one per line, chosen from its numbers. */
export function renderFindings(trace: Trace, figures: VariantFigures[] = variantFigures(trace)): string {
  const said = findings(trace, figures);
  const lines = said.map((f) => `${f.tone === 'warning' ? '! ' : '• '}${formatFinding(f, ENGLISH)}`);
  const busy = said.some((f) => f.rule === 'busyOthers' || f.rule === 'busyCoreWait');
  const scenario = SCENARIOS.find((s) => s.id === trace.scenario);
  if (busy && scenario && !(Number(trace.params.repeat) > 1)) {
    const flags = scenario.params.flatMap((name) => {
      const value = trace.params[name];
      if (value === undefined || value === scenario.defaults[name] || (Array.isArray(value) && String(value) === String(scenario.defaults[name]))) return [];
      if (name === 'lock') return value === 'off' ? ['--no-lock'] : value === 'on' ? ['--lock'] : [];
      return [`--${name}`, Array.isArray(value) ? value.join(',') : String(value)];
    });
    lines.push(`  to compare medians of three runs: concurrency-lab run ${[scenario.id, '--runtime', trace.runtime, ...flags, '--repeat', '3'].join(' ')}`);
  }
  return lines.join('\n');
}

function spreadText(v: Variant): string {
  if (!v.repeats || v.repeats.length < 2) return '';
  return `${ms(Math.min(...v.repeats))}–${ms(Math.max(...v.repeats))}`;
}

export function renderVariantTable(trace: Trace): string {
  const first = trace.variants[0];
  const repeated = trace.variants.some((v) => (v.repeats?.length ?? 0) > 1);
  const rows = [['variant', repeated ? 'median ms' : 'wall ms', ...(repeated ? ['range ms'] : []), 'CPU ms', 'speedup', 'outcome']];
  for (const v of trace.variants) {
    const outcome = [v.error ? `error: ${v.error}` : describeOutcome(v.outcome), describeExit(v)].filter(Boolean).join('; ');
    rows.push([v.title, ms(v.wallUs), ...(repeated ? [spreadText(v)] : []), ms(v.cpuUs), first ? speedup(first, v) : '–', outcome]);
  }
  const env = trace.env;
  const runtime = trace.runtime === 'python' ? `python ${env.python ?? '?'}${env.gil === false ? ' (no GIL)' : ''}` : `node ${env.node}`;
  const head = `${trace.scenario} on ${runtime}, ${env.cpus} cores, states measured by ${env.stateMethod ?? 'none'}`;
  const program = trace.program ? `\nprogram: ${[trace.program.path, ...trace.program.args].join(' ')}` : '';
  const cal = trace.calibration;
  const sized = cal ? `\nwork sized to this machine: one task took ${cal.taskSeconds.toFixed(2)} s of CPU at scale 1, so the scale was multiplied by ${cal.factor.toFixed(2)}` : '';
  const skipped = trace.skippedEvents ? `\n(${trace.skippedEvents} malformed events skipped)` : '';
  const problems = trace.problems?.length ? `\n(${trace.problems.length} problems found in the trace: ${trace.problems.slice(0, 3).join('; ')}${trace.problems.length > 3 ? '; …' : ''})` : '';
  const traced = trace.variants.some((v) => v.spans.length);
  const figures = variantFigures(trace);
  const states = traced ? `\n\n${renderStateTable(trace)}\n\n${renderBreakdown(figures)}` : '';
  const said = renderFindings(trace, figures);
  const stuck = renderStuck(trace);
  const table = pad(rows, repeated ? 'lrrrrl' : 'lrrrl');
  return `${head}${program}${sized}\n${table}${skipped}${problems}${states}${said ? `\n\n${said}` : ''}${stuck ? `\n\n${stuck}` : ''}`;
}

export function renderScenarioList(): string {
  const rows = [['scenario', 'parameters', 'runtimes', 'description']];
  for (const s of SCENARIOS) rows.push([s.id, s.params.join(','), s.runtimes.join(','), s.description]);
  return pad(rows, 'llll');
}
