/**
 * A text timeline for the terminal: one line per lane, one character per time slice showing the
 * state that filled most of it, on one time scale for every variant so they compare at a glance.
 */
import type { LaneState, Trace, Variant } from '../shared/trace';

interface Glyph {
  char: string;
  /** ANSI SGR colour code. */
  colour: string;
  label: string;
}

export const GLYPHS: Record<LaneState, Glyph> = {
  running: { char: '█', colour: '32', label: 'running' },
  ready: { char: '▒', colour: '33', label: 'ready (waiting for the GIL or a core)' },
  sleeping: { char: '─', colour: '34', label: 'sleeping' },
  io: { char: '≈', colour: '35', label: 'I/O' },
  'lock-wait': { char: '▓', colour: '31', label: 'waiting for a lock' },
  idle: { char: '·', colour: '90', label: 'idle' },
  done: { char: ' ', colour: '0', label: 'done' },
};
const KILLED = { char: '✕', colour: '1;31', label: 'killed' };

/** Fits a lane name in `width`, keeping its end: pool threads differ only in their suffix. */
export function fitName(name: string, width: number): string {
  return name.length <= width ? name.padEnd(width) : `…${name.slice(name.length - width + 1)}`;
}

const paint = (g: { char: string; colour: string }, colour: boolean): string => (colour ? `\x1b[${g.colour}m${g.char}\x1b[0m` : g.char);

/** The state covering most of each of `width` slices of [0, scaleUs). */
export function laneCells(v: Variant, lane: number, width: number, scaleUs: number): (LaneState | undefined)[] {
  const cover = Array.from({ length: width }, () => new Map<LaneState, number>());
  const slice = scaleUs / width;
  for (const s of v.spans) {
    if (s.lane !== lane || s.end <= s.start) continue;
    const first = Math.max(0, Math.floor(s.start / slice));
    const last = Math.min(width - 1, Math.floor((s.end - 1e-9) / slice));
    for (let c = first; c <= last; c++) {
      const overlap = Math.min(s.end, (c + 1) * slice) - Math.max(s.start, c * slice);
      if (overlap > 0) cover[c].set(s.state, (cover[c].get(s.state) ?? 0) + overlap);
    }
  }
  return cover.map((m) => [...m.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]);
}

export function renderTimeline(trace: Trace, opts: { width?: number; colour?: boolean } = {}): string {
  const colour = opts.colour ?? false;
  const names = trace.variants.flatMap((v) => v.lanes.map((l) => l.name + (l.daemon ? '*' : '')));
  const nameWidth = Math.min(22, Math.max(8, ...names.map((n) => n.length)));
  const width = Math.max(20, (opts.width ?? 80) - nameWidth - 3);
  const scaleUs = Math.max(1, ...trace.variants.map((v) => Math.max(v.wallUs, ...v.spans.map((s) => s.end))));
  const lines: string[] = [];
  for (const v of trace.variants) {
    lines.push(`${v.title} — ${(v.wallUs / 1000).toFixed(0)} ms`);
    for (const lane of v.lanes) {
      const cells = laneCells(v, lane.id, width, scaleUs).map((s) => (s ? paint(GLYPHS[s], colour) : ' '));
      for (const m of v.marks) {
        if (m.lane === lane.id && m.kind === 'killed') cells[Math.min(width - 1, Math.floor((m.at / scaleUs) * width))] = paint(KILLED, colour);
      }
      const name = fitName(lane.name + (lane.daemon ? '*' : ''), nameWidth);
      lines.push(`  ${name} ${cells.join('')}`);
    }
  }
  const legend = [...Object.values(GLYPHS).filter((g) => g.char !== ' '), KILLED].map((g) => `${paint(g, colour)} ${g.label}`);
  const end = `${(scaleUs / 1000).toFixed(0)} ms`;
  lines.push(`${' '.repeat(nameWidth + 3)}0${end.padStart(width - 1)}`);
  lines.push(`legend: ${legend.join('  ')}   * daemon`);
  return lines.join('\n');
}
