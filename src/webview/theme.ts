/**
 * Chart colours from the VS Code theme (`--vscode-charts-*` and friends), following the convention
 * learners may know from thread profilers: executing green, synchronization red (a lock, and a
 * muted red for join), preemption yellow (waiting for a core; the GIL wait is the amber second
 * yellow), I/O purple, sleeping blue-grey, idle grey, blocked in an unseen system call a neutral
 * grey, done faint. Colour is never the only cue: each waiting state also has a pattern and a bar
 * height (stateStyle.ts), and high-contrast themes add outlines.
 */
import { LANE_STATES, type LaneState } from '../shared/trace';
import { OUTLINE_MIN_HEIGHT, PATTERN_TILE, PATTERN_TILES, STATE_HEIGHT, STATE_PATTERN, type PatternKind } from './stateStyle';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  kind: ThemeKind;
  foreground: string;
  background: string;
  grid: string;
  error: string;
  /** Outline drawn around spans; set in high-contrast themes only. */
  outline?: string;
  stateFill: string[];
  statePattern: (CanvasPattern | null)[];
  /** Colour each state's pattern is drawn with (also used by the SVG export). */
  stateInk: string[];
  /** Fraction of the lane's height the state's bar fills. */
  stateHeight: number[];
  markColor: string;
  killColor: string;
  /** The breakdown bar's parts that are not lane states: before the lanes began, after they ended. */
  startupFill: string;
  endedFill: string;
}

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

const probe = document.createElement('canvas').getContext('2d');

/** Parses any CSS colour into [r, g, b, a] (0-255, alpha 0-1) through the canvas's own parser. */
export function parseColor(css: string): [number, number, number, number] {
  if (!probe) return [128, 128, 128, 1];
  probe.fillStyle = '#808080';
  probe.fillStyle = css;
  const v = String(probe.fillStyle);
  if (v.startsWith('#')) return [parseInt(v.slice(1, 3), 16), parseInt(v.slice(3, 5), 16), parseInt(v.slice(5, 7), 16), 1];
  const m = /rgba?\(([^)]+)\)/.exec(v);
  const parts = m ? m[1].split(',').map((p) => parseFloat(p)) : [128, 128, 128, 1];
  return [parts[0], parts[1], parts[2], parts[3] ?? 1];
}

function rgba([r, g, b]: number[], alpha: number): string {
  return `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${alpha})`;
}

/** Relative luminance (0 dark … 1 light), enough to pick the contrasting ink. */
function luminance([r, g, b]: number[]): number {
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

function mix(a: string, b: string, weightOfA: number): string {
  const ca = parseColor(a);
  const cb = parseColor(b);
  return rgba(ca.map((v, i) => v * weightOfA + cb[i] * (1 - weightOfA)), 1);
}

function makePattern(kind: PatternKind, ink: string): CanvasPattern | null {
  if (kind === 'none') return null;
  const tile = document.createElement('canvas');
  tile.width = tile.height = PATTERN_TILE;
  const g = tile.getContext('2d');
  if (!g) return null;
  g.strokeStyle = g.fillStyle = ink;
  g.lineWidth = 1.5;
  g.beginPath();
  for (const [x0, y0, x1, y1] of PATTERN_TILES[kind].lines) {
    g.moveTo(x0, y0);
    g.lineTo(x1, y1);
  }
  g.stroke();
  for (const [x, y] of PATTERN_TILES[kind].dots) g.fillRect(x, y, 2, 2);
  return g.createPattern(tile, 'repeat');
}

export function readTheme(body: HTMLElement = document.body): Theme {
  const kind = themeKind(body);
  const dark = kind === 'dark' || kind === 'high-contrast';
  const style = getComputedStyle(body);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-charts-foreground', v('--vscode-editor-foreground', v('--vscode-foreground', dark ? '#cccccc' : '#3b3b3b')));
  const background = v('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff');
  const grey = mix(foreground, background, 0.45);
  const blue = v('--vscode-charts-blue', dark ? '#3794ff' : '#1a85ff');
  const red = v('--vscode-charts-red', dark ? '#f14c4c' : '#e51400');
  const fills: Record<LaneState, string> = {
    running: v('--vscode-charts-green', dark ? '#89d185' : '#388a34'),
    'core-wait': v('--vscode-charts-yellow', dark ? '#cca700' : '#bf8803'),
    'gil-wait': v('--vscode-charts-orange', '#d18616'),
    sleeping: mix(blue, grey, 0.5),
    'lock-wait': red,
    // Same family as a lock wait, told apart by a muted tone, a lower bar and its own hatching.
    'join-wait': mix(red, background, 0.6),
    io: v('--vscode-charts-purple', dark ? '#b180d7' : '#652d90'),
    idle: grey,
    blocked: mix(foreground, background, 0.6),
    done: rgba(parseColor(foreground), 0.18),
  };
  const highContrast = kind.startsWith('high-contrast');
  const outline = highContrast ? v('--vscode-contrastBorder', dark ? '#6fc3df' : '#0f4a85') : undefined;
  // Pattern ink contrasts with its fill: the background colour, or the foreground on fills close to
  // the background (the muted join red in dark themes); half transparent, near solid in high contrast.
  const alpha = highContrast ? 0.9 : 0.55;
  const inks = LANE_STATES.map((s) => {
    const fill = luminance(parseColor(fills[s]));
    const far = Math.abs(fill - luminance(parseColor(background))) >= 0.25 ? background : foreground;
    return rgba(parseColor(far), alpha);
  });
  return {
    kind,
    foreground,
    background,
    grid: rgba(parseColor(foreground), 0.12),
    error: v('--vscode-errorForeground', dark ? '#f48771' : '#a1260d'),
    outline,
    stateFill: LANE_STATES.map((s) => fills[s]),
    stateInk: inks,
    statePattern: LANE_STATES.map((s, i) => makePattern(STATE_PATTERN[s], inks[i])),
    stateHeight: LANE_STATES.map((s) => STATE_HEIGHT[s]),
    markColor: foreground,
    killColor: fills['lock-wait'],
    startupFill: blue,
    endedFill: fills.done,
  };
}

/** Calls `onChange` when VS Code switches theme (it swaps the body's `vscode-*` classes). Returns a stop function. */
export function watchTheme(onChange: () => void, body: HTMLElement = document.body): () => void {
  let last = `${body.className}`;
  const observer = new MutationObserver(() => {
    if (body.className === last) return;
    last = body.className;
    onChange();
  });
  observer.observe(body, { attributes: true, attributeFilter: ['class', 'style'] });
  return () => observer.disconnect();
}

/** Fills a legend swatch exactly as the chart fills a span of that state. */
export function paintSwatch(canvas: HTMLCanvasElement, theme: Theme, state: number): void {
  const dpr = window.devicePixelRatio || 1;
  const w = 28;
  const h = 14;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.scale(dpr, dpr);
  const bar = h * theme.stateHeight[state];
  const y = (h - bar) / 2;
  g.fillStyle = theme.stateFill[state];
  g.fillRect(0, y, w, bar);
  const pattern = theme.statePattern[state];
  if (pattern) {
    g.fillStyle = pattern;
    g.fillRect(0, y, w, bar);
  }
  if (theme.outline && theme.stateHeight[state] >= OUTLINE_MIN_HEIGHT) {
    g.strokeStyle = theme.outline;
    g.strokeRect(0.5, y + 0.5, w - 1, Math.max(bar - 1, 1));
  }
}
