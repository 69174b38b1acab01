/**
 * A deadlock's wait-for cycle as a small diagram: the threads as boxes on a circle, and from each an
 * arrow "waits for <lock>" to the thread holding it. Built with DOM calls (names are text nodes,
 * never markup); colours come from CSS classes on the theme's variables, so it follows light, dark
 * and high contrast. Its text alternative is its accessible name, which says every wait in words.
 */
import './cycleDiagram.css'; // its own rules, so every panel that draws a cycle carries them
import type { Lane, Stuck } from '../shared/trace';

const SVG = 'http://www.w3.org/2000/svg';
/** Rough width of one character of the diagram's 12 px text: boxes and the view box are sized by it
 *  (measuring would need the element in the page first). CJK characters count double. */
const CHAR_PX = 7;
const BOX_HEIGHT = 28;
const MAX_LABEL = 48;

type T = (key: string, ...args: (string | number)[]) => string;

/** Distinct ids for each diagram's arrow head (several variants may each show one). */
let diagrams = 0;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function cut(text: string): string {
  // Cut in the middle: a lock's name ends with its line ("Lock (bank.py:7)"), which tells two locks apart.
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 13)}…${text.slice(-12)}` : text;
}

function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? CHAR_PX * 2 : CHAR_PX;
  return w;
}

export interface CycleEdge {
  from: string;
  to: string;
  /** What `from` waits for (the lock `to` holds), as the trace names it. */
  lock: string;
}

/** The cycle's waits, in order: each lane waits for a lock the next one holds. */
export function cycleEdges(stuck: Stuck, lanes: Lane[], nameOf: (lane: Lane | undefined, id: number) => string): CycleEdge[] {
  const cycle = stuck.deadlock ?? [];
  return cycle.map((id, i) => {
    const next = cycle[(i + 1) % cycle.length];
    const waits = stuck.threads.find((th) => th.lane === id)?.waitsFor;
    return { from: nameOf(lanes.find((l) => l.id === id), id), to: nameOf(lanes.find((l) => l.id === next), next), lock: waits ?? '' };
  });
}

/** One wait in words, for the caption and the accessible name. */
export function edgeSentence(e: CycleEdge, t: T): string {
  if (e.from === e.to) return e.lock ? t('{0} waits for {1}, which it holds itself', e.from, e.lock) : t('{0} waits for a lock it holds itself', e.from);
  return e.lock ? t('{0} waits for {1}, held by {2}', e.from, e.lock, e.to) : t('{0} waits for a lock held by {1}', e.from, e.to);
}

/** The diagram and its caption, or undefined for an empty cycle. */
export function renderCycleDiagram(edges: CycleEdge[], t: T): HTMLElement | undefined {
  const n = edges.length;
  if (!n) return undefined;
  const id = `clab-cycle-${++diagrams}`;
  const names = edges.map((e) => cut(e.from));
  const locks = edges.map((e) => cut(e.lock ? t('waits for {0}', e.lock) : t('waits for a lock')));
  const boxW = Math.max(...names.map(textWidth)) + 20;
  const labelW = Math.max(...locks.map(textWidth));
  // Nodes on a circle, the first on the left; big enough that arrows and labels clear the boxes.
  const radius = n === 1 ? 0 : Math.max(boxW * 0.75, 40 * n, n === 2 ? labelW * 0.5 + 10 : labelW * 0.6);
  const [cx, cy] = [0, 0];
  const pos = edges.map((_e, i) => {
    const a = Math.PI + (2 * Math.PI * i) / n;
    return { x: cx + radius * Math.cos(a), y: cy + radius * Math.sin(a) * (n === 2 ? 0 : 1) };
  });
  // The view box is what was drawn, plus a margin: boxes, curves and labels each widen it.
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const cover = (x: number, y: number, halfW = 0, up = 0, down = up): void => {
    box.x0 = Math.min(box.x0, x - halfW);
    box.x1 = Math.max(box.x1, x + halfW);
    box.y0 = Math.min(box.y0, y - up);
    box.y1 = Math.max(box.y1, y + down);
  };
  for (const p of pos) cover(p.x, p.y, boxW / 2, BOX_HEIGHT / 2);

  const root = svg('svg', { role: 'img', 'aria-labelledby': `${id}-title`, class: 'cycle-diagram' });
  const title = svg('title', { id: `${id}-title` }, `${t('Wait-for cycle')}: ${edges.map((e) => edgeSentence(e, t)).join('; ')}`);
  const defs = svg('defs');
  const marker = svg('marker', { id: `${id}-head`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'cycle-head' }));
  defs.append(marker);
  root.append(title, defs);

  edges.forEach((_e, i) => {
    const a = pos[i];
    const b = pos[(i + 1) % n];
    let d: string;
    let lx: number;
    let ly: number;
    let anchor: 'start' | 'middle' | 'end' = 'middle';
    if (n === 1) {
      // A thread waiting for itself: a loop over its box.
      const top = a.y - BOX_HEIGHT / 2;
      d = `M${a.x - 18},${top} C${a.x - 40},${top - 42} ${a.x + 40},${top - 42} ${a.x + 18},${top}`;
      lx = a.x;
      ly = top - 42;
      cover(a.x, top - 32, 40, 0);
    } else {
      // Bend each arrow away from the centre (n = 2: one above, one below), ending at the box edge.
      const mx = (a.x + b.x) / 2;
      const my = (a.y + b.y) / 2;
      let ox = mx - cx;
      let oy = my - cy;
      if (Math.hypot(ox, oy) < 1) {
        ox = 0;
        oy = i === 0 ? -1 : 1;
      }
      const len = Math.hypot(ox, oy);
      const bend = n === 2 ? 34 : 22;
      const qx = mx + (ox / len) * bend * 2;
      const qy = my + (oy / len) * bend * 2;
      const edge = (p: { x: number; y: number }, toward: { x: number; y: number }): { x: number; y: number } => {
        // Leave and enter a box through its top or bottom (or side): the point on its border toward the bend.
        const dx = toward.x - p.x;
        const dy = toward.y - p.y;
        const s = Math.min(Math.abs(boxW / 2 / (dx || 1e-9)), Math.abs(BOX_HEIGHT / 2 / (dy || 1e-9)));
        return { x: p.x + dx * s, y: p.y + dy * s };
      };
      const s0 = edge(a, { x: qx, y: qy });
      const s1 = edge(b, { x: qx, y: qy });
      d = `M${s0.x.toFixed(1)},${s0.y.toFixed(1)} Q${qx.toFixed(1)},${qy.toFixed(1)} ${s1.x.toFixed(1)},${s1.y.toFixed(1)}`;
      // The label sits just outside the curve's middle (a quadratic's middle is this average).
      const apexX = (s0.x + 2 * qx + s1.x) / 4;
      const apexY = (s0.y + 2 * qy + s1.y) / 4;
      cover(apexX, apexY);
      // Beside a curve that bends sideways the label starts (or ends) at it, rather than across it.
      const side = ox / len;
      anchor = side > 0.35 ? 'start' : side < -0.35 ? 'end' : 'middle';
      lx = apexX + side * 8;
      ly = apexY + (oy / len) * 6 + (oy / len > 0.3 ? 10 : oy / len < -0.3 ? -2 : 4);
    }
    root.append(svg('path', { d, class: 'cycle-arrow', 'marker-end': `url(#${id}-head)`, fill: 'none' }));
    root.append(svg('text', { x: lx.toFixed(1), y: ly.toFixed(1), 'text-anchor': anchor, class: 'cycle-label' }, locks[i]));
    // Text runs from about 10 px above its baseline to 3 px below.
    const tw = textWidth(locks[i]);
    cover(anchor === 'start' ? lx + tw / 2 : anchor === 'end' ? lx - tw / 2 : lx, ly, tw / 2, 10, 3);
  });

  pos.forEach((p, i) => {
    const g = svg('g', { class: 'cycle-node' });
    g.append(
      svg('rect', { x: (p.x - boxW / 2).toFixed(1), y: (p.y - BOX_HEIGHT / 2).toFixed(1), width: boxW, height: BOX_HEIGHT, rx: 4 }),
      svg('text', { x: p.x.toFixed(1), y: (p.y + 4).toFixed(1), 'text-anchor': 'middle' }, names[i]),
    );
    root.append(g);
  });

  const margin = 6;
  const [x, y, w, h] = [box.x0 - margin, box.y0 - margin, box.x1 - box.x0 + 2 * margin, box.y1 - box.y0 + 2 * margin].map((v) => Math.round(v));
  root.setAttribute('viewBox', `${x} ${y} ${w} ${h}`);
  root.setAttribute('width', String(w));
  root.setAttribute('height', String(h));

  // The waits in words are the stuck list above the figure, and the diagram's accessible name.
  const caption = document.createElement('figcaption');
  caption.textContent = t('Each arrow points from a thread to the thread holding the lock it waits for.');
  const figure = document.createElement('figure');
  figure.className = 'cycle';
  figure.append(root, caption);
  return figure;
}
