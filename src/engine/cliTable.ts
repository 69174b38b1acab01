/** The CLI's table of variants: wall and CPU time, speedup against the first variant, outcome. */
import { SCENARIOS } from '../shared/scenarios';
import type { Outcome, Trace, Variant } from '../shared/trace';

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

export function renderVariantTable(trace: Trace): string {
  const first = trace.variants[0];
  const rows = [['variant', 'wall ms', 'CPU ms', 'speedup', 'outcome']];
  for (const v of trace.variants) {
    const outcome = v.error ? `error: ${v.error}` : describeOutcome(v.outcome);
    rows.push([v.title, ms(v.wallUs), ms(v.cpuUs), first ? speedup(first, v) : '–', outcome]);
  }
  const env = trace.env;
  const runtime = trace.runtime === 'python' ? `python ${env.python ?? '?'}${env.gil === false ? ' (no GIL)' : ''}` : `node ${env.node}`;
  const head = `${trace.scenario} on ${runtime}, ${env.cpus} cores, states measured by ${env.stateMethod ?? 'none'}`;
  const skipped = trace.skippedEvents ? `\n(${trace.skippedEvents} malformed events skipped)` : '';
  return `${head}\n${pad(rows, 'lrrrl')}${skipped}`;
}

export function renderScenarioList(): string {
  const rows = [['scenario', 'parameters', 'runtimes', 'description']];
  for (const s of SCENARIOS) rows.push([s.id, s.params.join(','), s.runtimes.join(','), s.description]);
  return pad(rows, 'llll');
}
