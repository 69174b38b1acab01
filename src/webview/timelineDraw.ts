/**
 * Paints one variant's lanes into a canvas: the on-screen chart (from uPlot's `draw` hook) and the
 * PNG export's bands. Only the lanes of the given window are walked, and spans are batched into one
 * path per state, so a frame costs a handful of fills however many lanes and spans the variant has.
 */
import { MARK_KINDS } from '../shared/trace';
import { STATE_COUNT, forEachVisibleRect, lowerBound, type VariantSeries } from './laneData';
import { OUTLINE_MIN_HEIGHT } from './stateStyle';
import type { Theme } from './theme';

export interface DrawStats {
  /** Source spans walked in the last frame, by LANE_STATES index. */
  visibleByState: Int32Array;
  rects: number;
  marks: number;
  /** Lanes painted in the last frame (at most the window's lanes, whatever the variant holds). */
  lanes: number;
  draws: number;
  lastDrawMs: number;
}

export function newDrawStats(): DrawStats {
  return { visibleByState: new Int32Array(STATE_COUNT), rects: 0, marks: 0, lanes: 0, draws: 0, lastDrawMs: 0 };
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The lanes `box` shows: lane `first` (fractional while scrolling) at its top, `count` lanes tall. */
export interface LaneWindow {
  first: number;
  count: number;
}

const KILLED = MARK_KINDS.indexOf('killed');
const START = MARK_KINDS.indexOf('start');
const JOIN = MARK_KINDS.indexOf('join');
const ACQUIRE = MARK_KINDS.indexOf('acquire');
const RELEASE = MARK_KINDS.indexOf('release');
const END = MARK_KINDS.indexOf('end');

/** Draws one mark glyph: start ▶, join ◆, acquire ▼, release ▲, task •, killed ✕, end none. */
function markPath(path: Path2D, kind: number, x: number, top: number, laneH: number, r: number): void {
  const y = top + r + 1;
  if (kind === START) {
    path.moveTo(x, y - r);
    path.lineTo(x + r * 1.6, y);
    path.lineTo(x, y + r);
    path.closePath();
  } else if (kind === JOIN) {
    path.moveTo(x, y - r);
    path.lineTo(x + r, y);
    path.lineTo(x, y + r);
    path.lineTo(x - r, y);
    path.closePath();
  } else if (kind === ACQUIRE || kind === RELEASE) {
    const dir = kind === ACQUIRE ? 1 : -1;
    const yb = top + laneH - r - 1;
    path.moveTo(x - r, yb - dir * r * 0.8);
    path.lineTo(x + r, yb - dir * r * 0.8);
    path.lineTo(x, yb + dir * r * 0.8);
    path.closePath();
  } else {
    path.moveTo(x + r * 0.6, y);
    path.arc(x, y, r * 0.6, 0, Math.PI * 2);
  }
}

export function drawLanes(
  ctx: CanvasRenderingContext2D,
  box: Box,
  range: [number, number],
  series: VariantSeries,
  theme: Theme,
  dpr: number,
  stats: DrawStats,
  window: LaneWindow = { first: 0, count: series.lanes.length },
): void {
  const began = performance.now();
  if (!(box.width > 0 && box.height > 0)) return;
  const [min, max] = range;
  const k = box.width / (max - min || 1);
  const toPx = (ms: number): number => box.left + (ms - min) * k;
  const n = series.lanes.length;
  const laneH = box.height / Math.max(window.count, 1);
  const firstLane = Math.max(0, Math.floor(window.first));
  const endLane = Math.min(n, Math.ceil(window.first + window.count));
  const gap = Math.min(3 * dpr, laneH * 0.15);
  const paths = Array.from({ length: STATE_COUNT }, () => new Path2D());
  const marks = new Path2D();
  const kills = new Path2D();
  stats.visibleByState.fill(0);
  stats.rects = 0;
  stats.marks = 0;
  stats.lanes = Math.max(0, endLane - firstLane);

  ctx.save();
  ctx.beginPath();
  ctx.rect(box.left, box.top, box.width, box.height);
  ctx.clip();

  for (let i = firstLane; i < endLane; i++) {
    const lane = series.lanes[i];
    const top = box.top + (i - window.first) * laneH;
    const inner = laneH - gap * 2;
    const mid = top + laneH / 2;
    stats.rects += forEachVisibleRect(
      lane,
      min,
      max,
      { origin: box.left - min * k, perMs: k },
      (state, x0, x1) => {
        const h = Math.max(inner * theme.stateHeight[state], dpr);
        paths[state].rect(x0, mid - h / 2, Math.max(x1 - x0, 1), h);
      },
      stats.visibleByState,
    );
    // Marks: at most one per pixel column and kind, so dense task marks stay cheap.
    const r = Math.max(1, Math.min(4 * dpr, laneH / 4));
    let lastX = -Infinity;
    let lastKind = -1;
    for (let m = lowerBound(lane.markAt, min); m < lane.markAt.length && lane.markAt[m] <= max; m++) {
      const kind = lane.markKinds[m];
      if (kind === END) continue;
      const x = toPx(lane.markAt[m]);
      if (kind === lastKind && x - lastX < 2 * r) continue;
      lastX = x;
      lastKind = kind;
      stats.marks++;
      if (kind === KILLED) {
        kills.moveTo(x - r, top + gap);
        kills.lineTo(x + r, top + laneH - gap);
        kills.moveTo(x + r, top + gap);
        kills.lineTo(x - r, top + laneH - gap);
      } else markPath(marks, kind, x, top + gap, inner, r);
    }
  }

  for (let s = 0; s < STATE_COUNT; s++) {
    ctx.fillStyle = theme.stateFill[s];
    ctx.fill(paths[s]);
    const pattern = theme.statePattern[s];
    if (pattern) {
      ctx.fillStyle = pattern;
      ctx.fill(paths[s]);
    }
    // Outlines (high contrast) on the tall bars only: thin idle/done lines stay quiet.
    if (theme.outline && theme.stateHeight[s] >= OUTLINE_MIN_HEIGHT) {
      ctx.strokeStyle = theme.outline;
      ctx.lineWidth = dpr;
      ctx.stroke(paths[s]);
    }
  }
  ctx.fillStyle = theme.markColor;
  ctx.strokeStyle = theme.background;
  ctx.lineWidth = dpr;
  ctx.stroke(marks);
  ctx.fill(marks);
  ctx.strokeStyle = theme.killColor;
  ctx.lineWidth = 2 * dpr;
  ctx.stroke(kills);
  ctx.restore();

  stats.draws++;
  stats.lastDrawMs = performance.now() - began;
}
