/**
 * A text timeline for the terminal: one line per lane, one character per time slice showing the
 * state that filled most of it, on one time scale for every variant so they compare at a glance.
 * Every state has its own character, so the chart reads without colour too (NO_COLOR, pipes).
 */
import { LANE_STATES, type LaneState, type Span, type Trace, type Variant } from '../shared/trace';

interface Glyph {
  char: string;
  /** ANSI SGR colour code. */
  colour: string;
  label: string;
}

export const GLYPHS: Record<LaneState, Glyph> = {
  running: { char: '█', colour: '32', label: 'running' },
  'core-wait': { char: '▒', colour: '33', label: 'waiting for a CPU core' },
  'gil-wait': { char: '░', colour: '93', label: 'waiting for the GIL' },
  sleeping: { char: '─', colour: '34', label: 'sleeping' },
  'lock-wait': { char: '▓', colour: '31', label: 'waiting for a lock' },
  'join-wait': { char: '=', colour: '91', label: 'waiting for a thread/task to finish (join)' },
  io: { char: '≈', colour: '35', label: 'I/O' },
  idle: { char: '·', colour: '90', label: 'idle' },
  blocked: { char: '#', colour: '37', label: 'blocked in a system call' },
  done: { char: ' ', colour: '0', label: 'done' },
};
const KILLED = { char: '✕', colour: '1;31', label: 'killed' };

const STATE_INDEX = new Map<LaneState, number>(LANE_STATES.map((s, i) => [s, i]));

/** Fits a lane name in `width`, keeping its end: pool threads differ only in their suffix. */
export function fitName(name: string, width: number): string {
  return name.length <= width ? name.padEnd(width) : `…${name.slice(name.length - width + 1)}`;
}

const paint = (g: { char: string; colour: string }, colour: boolean): string => (colour ? `\x1b[${g.colour}m${g.char}\x1b[0m` : g.char);

/** The state covering most of each of `width` slices of [0, scaleUs), from one lane's spans. */
function cellsOf(spans: Span[], width: number, scaleUs: number): (LaneState | undefined)[] {
  const n = LANE_STATES.length;
  // cover[c * n + state] = µs of that state in slice c.
  const cover = new Float64Array(width * n);
  const slice = scaleUs / width;
  for (const s of spans) {
    const state = STATE_INDEX.get(s.state);
    if (state === undefined || !(s.end > s.start)) continue;
    const first = Math.max(0, Math.floor(s.start / slice));
    const last = Math.min(width - 1, Math.floor((s.end - 1e-9) / slice));
    for (let c = first; c <= last; c++) {
      const overlap = Math.min(s.end, (c + 1) * slice) - Math.max(s.start, c * slice);
      if (overlap > 0) cover[c * n + state] += overlap;
    }
  }
  return Array.from({ length: width }, (_, c) => {
    let best = -1;
    for (let st = 0; st < n; st++) if (cover[c * n + st] > 0 && (best < 0 || cover[c * n + st] > cover[c * n + best])) best = st;
    return best < 0 ? undefined : LANE_STATES[best];
  });
}

/** The state covering most of each of `width` slices of [0, scaleUs). */
export function laneCells(v: Variant, lane: number, width: number, scaleUs: number): (LaneState | undefined)[] {
  return cellsOf(
    v.spans.filter((s) => s.lane === lane),
    width,
    scaleUs,
  );
}

/** Latest time in the variant: its wall time or its last span's end (a loop: traces can hold 300k spans). */
function variantEndUs(v: Variant): number {
  let end = v.wallUs;
  for (const s of v.spans) if (s.end > end) end = s.end;
  return end;
}

export function renderTimeline(trace: Trace, opts: { width?: number; colour?: boolean } = {}): string {
  const colour = opts.colour ?? false;
  let longest = 8;
  for (const v of trace.variants) for (const l of v.lanes) longest = Math.max(longest, l.name.length + (l.daemon ? 1 : 0));
  const nameWidth = Math.min(22, longest);
  const width = Math.max(20, (opts.width ?? 80) - nameWidth - 3);
  let scaleUs = 1;
  for (const v of trace.variants) scaleUs = Math.max(scaleUs, variantEndUs(v));
  const lines: string[] = [];
  for (const v of trace.variants) {
    lines.push(`${v.title} — ${(v.wallUs / 1000).toFixed(0)} ms`);
    // One pass over the spans to split them by lane, instead of one pass per lane.
    const byLane = new Map<number, Span[]>(v.lanes.map((l) => [l.id, []]));
    for (const s of v.spans) byLane.get(s.lane)?.push(s);
    for (const lane of v.lanes) {
      const cells = cellsOf(byLane.get(lane.id) ?? [], width, scaleUs).map((s) => (s ? paint(GLYPHS[s], colour) : ' '));
      for (const m of v.marks) {
        if (m.lane === lane.id && m.kind === 'killed') cells[Math.max(0, Math.min(width - 1, Math.floor((m.at / scaleUs) * width)))] = paint(KILLED, colour);
      }
      const name = fitName(lane.name + (lane.daemon ? '*' : ''), nameWidth);
      lines.push(`  ${name} ${cells.join('')}`);
    }
  }
  const end = `${(scaleUs / 1000).toFixed(0)} ms`;
  lines.push(`${' '.repeat(nameWidth + 3)}0${end.padStart(width - 1)}`);
  const legend = [...LANE_STATES.map((s) => GLYPHS[s]).filter((g) => g.char !== ' '), KILLED].map((g) => `${paint(g, colour)} ${g.label}`);
  lines.push(`legend: ${legend.join('  ')}   * daemon`);
  return lines.join('\n');
}
