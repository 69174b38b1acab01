/**
 * How each lane state is drawn besides its colour: a fill pattern and a bar height. Colour is never
 * the only cue (the two yellows, the two reds and the greys differ by pattern too). Pure, so the
 * canvas, the legend swatches and the SVG export draw the same tiles from one table.
 */
import type { LaneState } from '../shared/trace';

export type PatternKind = 'none' | 'diagonal' | 'back-diagonal' | 'cross' | 'horizontal' | 'vertical' | 'grid' | 'dots';

export const STATE_PATTERN: Record<LaneState, PatternKind> = {
  running: 'none',
  'core-wait': 'diagonal',
  'gil-wait': 'vertical',
  sleeping: 'horizontal',
  'lock-wait': 'cross',
  'join-wait': 'back-diagonal',
  io: 'dots',
  idle: 'none',
  blocked: 'grid',
  done: 'none',
};

/** Fraction of the lane's height the bar fills: states that want the CPU or hold others up fill the
 *  lane, quiet waits less, a finished lane is a hairline. */
export const STATE_HEIGHT: Record<LaneState, number> = {
  running: 1,
  'core-wait': 1,
  'gil-wait': 1,
  sleeping: 0.7,
  'lock-wait': 1,
  'join-wait': 0.85,
  io: 0.7,
  idle: 0.35,
  blocked: 0.7,
  done: 0.15,
};

/** Bars at least this tall get the high-contrast outline; thin idle/done lines stay quiet. */
export const OUTLINE_MIN_HEIGHT = 0.7;

export const PATTERN_TILE = 8;

/** One 8×8 tile: line segments [x0, y0, x1, y1] and 2×2 dots [x, y]; lines overshoot so tiles join. */
export interface PatternTile {
  lines: [number, number, number, number][];
  dots: [number, number][];
}

const SLASH: PatternTile['lines'] = [
  [-2, 10, 10, -2],
  [-2, 2, 2, -2],
  [6, 10, 10, 6],
];
const BACKSLASH: PatternTile['lines'] = [
  [-2, -2, 10, 10],
  [6, -2, 10, 2],
  [-2, 6, 2, 10],
];

export const PATTERN_TILES: Record<Exclude<PatternKind, 'none'>, PatternTile> = {
  diagonal: { lines: SLASH, dots: [] },
  'back-diagonal': { lines: BACKSLASH, dots: [] },
  cross: { lines: [...SLASH, [-2, -2, 10, 10]], dots: [] },
  horizontal: { lines: [[0, 2, 8, 2], [0, 6, 8, 6]], dots: [] },
  vertical: { lines: [[2, 0, 2, 8], [6, 0, 6, 8]], dots: [] },
  grid: { lines: [[0, 4, 8, 4], [4, 0, 4, 8]], dots: [] },
  dots: { lines: [], dots: [[1, 1], [5, 5]] },
};

/** The tile as SVG markup (paths and rects), to be stroked and filled with the pattern's ink. */
export function patternSvg(kind: PatternKind): string {
  if (kind === 'none') return '';
  const tile = PATTERN_TILES[kind];
  const d = tile.lines.map(([x0, y0, x1, y1]) => `M${x0},${y0} L${x1},${y1}`).join(' ');
  return (d ? `<path d="${d}"/>` : '') + tile.dots.map(([x, y]) => `<rect x="${x}" y="${y}" width="2" height="2" stroke="none"/>`).join('');
}
