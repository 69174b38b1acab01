/**
 * A program's output as a virtualised list: every line is reachable by scrolling, but only the rows
 * in view (and the active one) are in the DOM, at a fixed row height over a spacer as tall as all
 * lines, so 100 000 lines paint and scroll like 20.
 *
 * Each row shows the line's time and stream as CSS generated content (from `data-` attributes), so
 * the list's text — what a selection copies — is the program's output alone, while screen readers
 * still read "12.3 ms stderr …". It is a listbox: focusable, arrows move the active line
 * (`aria-activedescendant`), Enter or a click picks it. It knows nothing of the timeline: the run
 * view connects `showUpTo` to the timeline's hover and `onPick` to its cursor.
 */
import { el } from './dom';
import type { Texts } from './i18n';
import { linesUpTo, type OutputLines } from './outputLines';

/** Height of a row in CSS px; panel.css sizes `.output-line` to match. */
export const OUTPUT_ROW_PX = 20;
/** Rows the box shows at once; more scroll. */
export const OUTPUT_VISIBLE_ROWS = 16;
/** Rows rendered beyond each edge of the view, so a small scroll shows no gap before the next frame. */
const OVERSCAN = 4;
/** Tallest spacer: browsers cap an element's height (about 33 million px in Chromium), so past this
 *  the scroll position maps to lines proportionally instead of one row per 20 px. */
const MAX_SPACER_PX = 8_000_000;

let lists = 0;

export type PickListener = (ms: number | null) => void;

/** What the list shows, for the test hook and the benchmark. */
export interface OutputListState {
  lines: number;
  /** Indices of the rows in the DOM, in order. */
  rows: number[];
  /** Of those, the ones dimmed as printed after the hovered time. */
  later: number[];
  /** Lines at or before the hovered time; null when the timeline is not hovered. */
  upTo: number | null;
  hoverMs: number | null;
  active: number;
  renders: number;
  /** Milliseconds the last render took (our code: rows made, moved and marked). */
  renderMs: number;
}

export class OutputView {
  readonly root: HTMLPreElement;
  private readonly spacer: HTMLDivElement;
  private readonly rows = new Map<number, HTMLDivElement>();
  private readonly id = `clab-out-${++lists}`;
  private readonly count: number;
  private readonly totalPx: number;
  private readonly spacerPx: number;
  private readonly listeners = new Set<PickListener>();
  private upTo: number | null = null;
  private hoverMs: number | null = null;
  private active = -1;
  private frame = 0;
  private renders = 0;
  private renderMs = 0;

  constructor(
    readonly lines: OutputLines,
    private readonly texts: Texts,
    label: string,
  ) {
    this.count = lines.text.length;
    this.totalPx = this.count * OUTPUT_ROW_PX;
    this.spacerPx = Math.min(this.totalPx, MAX_SPACER_PX);
    this.spacer = el('div', { className: 'output-spacer' });
    this.spacer.style.height = `${this.spacerPx}px`;
    this.root = el('pre', { className: 'output', attrs: { role: 'listbox', tabindex: '0', 'aria-label': label } }, this.spacer);
    this.root.style.height = `${Math.max(1, Math.min(this.count, OUTPUT_VISIBLE_ROWS)) * OUTPUT_ROW_PX}px`;
    // Times are sorted, so the longest label is about the first's or the last's; below 100 ms labels
    // keep 3 digits ("9.99 ms"), hence at least 7 characters.
    const widest = Math.max(7, ...[0, this.count - 1].map((i) => this.timeText(i).length));
    this.root.style.setProperty('--clab-time-ch', `${widest}ch`);
    // Scroll events come once per frame, before it is painted: rendering here shows the new rows in
    // that frame (a requestAnimationFrame from here would wait for the next one).
    this.root.addEventListener('scroll', () => this.render(), { passive: true });
    this.root.addEventListener('click', (e) => this.onClick(e));
    this.root.addEventListener('keydown', (e) => this.onKey(e));
    this.root.addEventListener('focus', () => {
      // Focus lands on a line, so a screen reader has one to read.
      if (this.active < 0 && this.count) this.setActive(this.firstInView(), false);
    });
    this.render();
  }

  /** Listens to lines being picked (click, Enter): their time in ms, or null (Escape) to clear. */
  onPick(listener: PickListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The timeline is hovered at `ms` (null: no longer): lines printed after it are dimmed, and the
   * list scrolls so the last line printed by then is in view.
   */
  showUpTo(ms: number | null): void {
    this.hoverMs = ms;
    this.upTo = ms === null ? null : linesUpTo(this.lines, ms);
    if (this.upTo !== null) this.reveal(Math.max(0, this.upTo - 1));
    this.schedule();
  }

  get state(): OutputListState {
    const rows = [...this.rows.keys()].sort((a, b) => a - b);
    return {
      lines: this.count,
      rows,
      later: rows.filter((i) => this.rows.get(i)?.classList.contains('later')),
      upTo: this.upTo,
      hoverMs: this.hoverMs,
      active: this.active,
      renders: this.renders,
      renderMs: this.renderMs,
    };
  }

  /** Client point on line `index`, after scrolling the list and the line into view (for tests). */
  pointOfLine(index: number): { x: number; y: number } | null {
    if (index < 0 || index >= this.count) return null;
    this.root.scrollIntoView({ block: 'nearest' });
    this.reveal(index);
    this.render();
    const rect = this.rows.get(index)?.getBoundingClientRect();
    return rect ? { x: rect.left + Math.min(rect.width / 2, 120), y: rect.top + rect.height / 2 } : null;
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.listeners.clear();
  }

  private timeText(index: number): string {
    return index >= 0 && index < this.count ? this.texts.ms(this.lines.atUs[index] / 1000) : '';
  }

  private viewPx(): number {
    // Before the list is in the document its height is the one set in the constructor.
    return this.root.clientHeight || parseFloat(this.root.style.height) || OUTPUT_ROW_PX;
  }

  /** The scroll position in "one row per OUTPUT_ROW_PX" pixels. */
  private virtualTop(): number {
    const view = this.viewPx();
    if (this.spacerPx === this.totalPx) return this.root.scrollTop;
    return (this.root.scrollTop / Math.max(1, this.spacerPx - view)) * Math.max(0, this.totalPx - view);
  }

  private scrollToVirtual(top: number): void {
    const view = this.viewPx();
    const clamped = Math.max(0, Math.min(top, this.totalPx - view));
    this.root.scrollTop = this.spacerPx === this.totalPx ? clamped : (clamped / Math.max(1, this.totalPx - view)) * Math.max(0, this.spacerPx - view);
  }

  /** Scrolls the least that brings line `index` wholly into view. */
  private reveal(index: number): void {
    const top = this.virtualTop();
    const view = this.viewPx();
    const rowTop = index * OUTPUT_ROW_PX;
    if (rowTop < top) this.scrollToVirtual(rowTop);
    else if (rowTop + OUTPUT_ROW_PX > top + view) this.scrollToVirtual(rowTop + OUTPUT_ROW_PX - view);
  }

  private firstInView(): number {
    return Math.min(this.count - 1, Math.ceil(this.virtualTop() / OUTPUT_ROW_PX));
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Makes the rows in view (and the active one) and no others, places and marks them. */
  private render(): void {
    const t0 = performance.now();
    const view = this.viewPx();
    const top = this.virtualTop();
    const first = Math.max(0, Math.floor(top / OUTPUT_ROW_PX) - OVERSCAN);
    const last = Math.min(this.count - 1, Math.ceil((top + view) / OUTPUT_ROW_PX) + OVERSCAN - 1);
    const wanted: number[] = [];
    if (this.active >= 0 && this.active < first) wanted.push(this.active);
    for (let i = first; i <= last; i++) wanted.push(i);
    if (this.active > last) wanted.push(this.active);
    let changed = wanted.length !== this.rows.size;
    const keep = new Set(wanted);
    // Rows scrolled out are refilled for the lines scrolled in: fewer elements made per frame.
    const spare: HTMLDivElement[] = [];
    for (const [i, row] of this.rows) {
      if (keep.has(i)) continue;
      spare.push(row);
      this.rows.delete(i);
      changed = true;
    }
    // Row positions are relative to the real scroll position, which differs from the virtual one
    // only when the spacer is capped.
    const offset = this.root.scrollTop - top;
    for (const i of wanted) {
      let row = this.rows.get(i);
      if (!row) {
        row = this.fillRow(spare.pop() ?? this.makeRow(), i);
        this.rows.set(i, row);
        changed = true;
      }
      row.style.top = `${offset + i * OUTPUT_ROW_PX}px`;
      const later = this.upTo !== null && i >= this.upTo;
      row.classList.toggle('later', later);
      row.classList.toggle('now', this.upTo !== null && i === this.upTo - 1);
      row.classList.toggle('active', i === this.active);
      row.setAttribute('aria-selected', String(i === this.active));
    }
    // DOM order follows line order, for reading order and for a selection's copied text.
    // (Spare rows not refilled leave with this too.)
    if (changed) this.spacer.replaceChildren(...wanted.map((i) => this.rows.get(i) as HTMLDivElement));
    this.renders++;
    this.renderMs = performance.now() - t0;
  }

  /** An empty row: the stream column and the text. */
  private makeRow(): HTMLDivElement {
    return el('div', { attrs: { role: 'option' } }, el('span', { className: 'out-stream' }), el('span', { className: 'out-text' }));
  }

  /** Fills `row` with line `i`: its text, time, stream and position in the list. */
  private fillRow(row: HTMLDivElement, i: number): HTMLDivElement {
    const stderr = this.lines.stderr[i] === 1;
    row.className = stderr ? 'output-line stderr' : 'output-line';
    row.id = `${this.id}-${i}`;
    row.setAttribute('aria-posinset', String(i + 1));
    row.setAttribute('aria-setsize', String(this.count));
    row.dataset.index = String(i);
    row.dataset.time = this.timeText(i);
    const [stream, text] = row.children as unknown as [HTMLElement, HTMLElement];
    if (stderr) stream.dataset.stream = this.texts.t('stderr');
    else delete stream.dataset.stream;
    // The line break keeps lines apart in the list's text (copying, textContent); pre whitespace
    // does not give a fixed-height row a second line for it.
    text.textContent = `${this.lines.text[i]}\n`;
    return row;
  }

  private setActive(index: number, reveal = true): void {
    if (!this.count) return;
    this.active = Math.max(0, Math.min(this.count - 1, index));
    if (reveal) this.reveal(this.active);
    this.render();
    this.root.setAttribute('aria-activedescendant', `${this.id}-${this.active}`);
  }

  private pick(ms: number | null): void {
    for (const listener of this.listeners) listener(ms);
  }

  private onClick(e: MouseEvent): void {
    const row = (e.target as Element | null)?.closest?.('.output-line');
    if (!(row instanceof HTMLElement) || !this.root.contains(row)) return;
    const index = Number(row.dataset.index);
    this.setActive(index, false);
    this.pick(this.lines.atUs[index] / 1000);
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewPx() / OUTPUT_ROW_PX) - 1);
    const from = this.active < 0 ? this.firstInView() : this.active;
    const moves: Record<string, number> = { ArrowDown: from + 1, ArrowUp: from - 1, PageDown: from + page, PageUp: from - page, Home: 0, End: this.count - 1 };
    if (Object.hasOwn(moves, e.key)) {
      e.preventDefault();
      this.setActive(this.active < 0 && (e.key === 'ArrowDown' || e.key === 'ArrowUp') ? from : moves[e.key]);
    } else if ((e.key === 'Enter' || e.key === ' ') && this.active >= 0) {
      e.preventDefault();
      this.pick(this.lines.atUs[this.active] / 1000);
    } else if (e.key === 'Escape') {
      this.pick(null);
    }
  }
}
