/**
 * A traced program in the panel, acted on with the real pointer as a learner does: hover a span of
 * the timeline and read its tooltip, click an output line and read the cursor it puts on the
 * timeline, read a timed-out run's stuck threads and cycle, and see where the editor landed after
 * a click. Positions come from the panel's test hook (`window.__clabTest`, src/webview/testHook.ts);
 * what is asserted on is what the page shows (tooltip, rows, classes, the editor's status bar).
 */
import type { Frame, Locator, Page } from 'playwright-core';

/** The part of the panel's hook used here (declared here: the webview's types need DOM libs). */
interface Hook {
  variants(): { lanes: string[] }[];
  pointOf(variant: number, lane: number, state: string): { x: number; y: number } | null;
  output(variant: number): { lines: number; rows: number[]; later: number[]; upTo: number | null; hoverMs: number | null; active: number } | null;
  cursor(variant: number): number | null;
  clientXAt(variant: number, ms: number): number | null;
}
type HookWindow = { __clabTest?: Hook };

/** The first variant's timeline, where the pointer goes (the timing chart is a chart too). */
function timelineOver(frame: Frame): Locator {
  return frame.locator('.timeline .u-over').first();
}

/** A span found on the timeline: its lane and where it is, relative to the timeline's plot area. */
export interface SpanTarget {
  lane: string;
  position: { x: number; y: number };
}

/**
 * The widest visible span of `state` in the first lane (matching `lane`, when given) that has one,
 * after scrolling the panel so the timeline's heading is at the top.
 */
export async function findSpan(frame: Frame, state: string, lane?: RegExp): Promise<SpanTarget> {
  const found = await frame.evaluate(
    ([s, source, flags]) => {
      document.querySelector('.timeline-section .variant h4')?.scrollIntoView({ block: 'start' });
      const hook = (window as unknown as HookWindow).__clabTest;
      const over = document.querySelector('.timeline .u-over');
      const lanes = hook?.variants()[0]?.lanes ?? [];
      const want = source === null ? null : new RegExp(source, flags);
      if (!hook || !over) return null;
      const rect = over.getBoundingClientRect();
      for (let i = 0; i < lanes.length; i++) {
        if (want && !want.test(lanes[i])) continue;
        const p = hook.pointOf(0, i, s);
        if (p) return { lane: lanes[i], position: { x: p.x - rect.left, y: p.y - rect.top } };
      }
      return null;
    },
    [state, lane?.source ?? null, lane?.flags ?? ''] as const,
  );
  if (!found) throw new Error(`no visible ${state} span${lane ? ` in a lane matching ${lane}` : ''} on the timeline`);
  return found;
}

/** Moves the pointer over `span` and returns the tooltip the timeline shows there. */
export async function hoverSpan(frame: Frame, span: SpanTarget): Promise<string> {
  await timelineOver(frame).hover({ position: span.position });
  const tooltip = frame.locator('.timeline .tooltip').first();
  await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
  return (await tooltip.innerText()).trim();
}

/** Clicks `span` on the timeline (a click, not a drag: the timeline zooms on a drag). */
export async function clickSpan(frame: Frame, span: SpanTarget): Promise<void> {
  await timelineOver(frame).click({ position: span.position });
}

/** One row of the output list as shown. */
export interface OutputRow {
  index: number;
  text: string;
  /** The time the row shows in front of the text (generated content from `data-time`). */
  shownTime: string;
  later: boolean;
  active: boolean;
  /** Wholly inside the list's visible box and the panel's viewport. */
  inView: boolean;
}

/** The rows of the first variant's output list that are in the DOM, after scrolling it into view. */
export async function outputRows(frame: Frame): Promise<OutputRow[]> {
  await frame.locator('pre.output').first().scrollIntoViewIfNeeded();
  return frame.evaluate(() => {
    const list = document.querySelector('pre.output');
    if (!list) return [];
    const box = list.getBoundingClientRect();
    return Array.from(list.querySelectorAll<HTMLElement>('.output-line')).map((row) => {
      const r = row.getBoundingClientRect();
      // Generated content comes back quoted: "\"12.3 ms\"".
      const content = getComputedStyle(row, '::before').content;
      return {
        index: Number(row.dataset.index),
        text: (row.querySelector('.out-text')?.textContent ?? '').replace(/\n$/, ''),
        shownTime: content.startsWith('"') ? (JSON.parse(content) as string) : '',
        later: row.classList.contains('later'),
        active: row.classList.contains('active'),
        inView: r.height > 0 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5 && r.top >= 0 && r.bottom <= window.innerHeight,
      };
    });
  });
}

/** What the output list says about the hover: lines up to the hovered time, and which rows it dims. */
export async function outputHover(frame: Frame): Promise<{ upTo: number | null; hoverMs: number | null; rows: number[]; later: number[] }> {
  // The list follows the hover in the next animation frame.
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return frame.evaluate(() => {
    const out = (window as unknown as HookWindow).__clabTest?.output(0);
    return { upTo: out?.upTo ?? null, hoverMs: out?.hoverMs ?? null, rows: out?.rows ?? [], later: out?.later ?? [] };
  });
}

/** Clicks the output row showing `text` (the real pointer). */
export async function clickOutputLine(frame: Frame, text: string): Promise<void> {
  await frame.locator('pre.output .output-line', { has: frame.locator('.out-text', { hasText: text }) }).first().click();
}

/** The cursor an output line put on the timeline: its time, its label, and its x against the time's. */
export async function timelineCursor(frame: Frame): Promise<{ ms: number | null; shown: boolean; label: string; x: number; expectedX: number | null }> {
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return frame.evaluate(() => {
    const hook = (window as unknown as HookWindow).__clabTest;
    const line = document.querySelector<HTMLElement>('.timeline .timeline-cursor');
    const ms = hook?.cursor(0) ?? null;
    const r = line?.getBoundingClientRect();
    return {
      ms,
      shown: !!line && !line.hidden && !!r && r.height > 0,
      label: line?.textContent?.trim() ?? '',
      // The line is a 2 px left border; its middle is the time's x.
      x: r ? r.left + 1 : NaN,
      expectedX: ms === null ? null : (hook?.clientXAt(0, ms) ?? null),
    };
  });
}

/** What a timed-out run's "stuck" section shows. */
export interface StuckView {
  heading: string;
  cycle: string;
  threads: {
    lane: string;
    inCycle: boolean;
    line: string;
    links: string[];
    /** The whole stack, outermost first: each frame's text and whether it is a link. */
    stack: { text: string; link: boolean }[];
  }[];
  diagram: { nodes: string[]; labels: string[]; arrows: number; width: number; height: number; name: string } | null;
}

/** Opens every stack (as a learner clicking "Stack (N frames)") and reads the stuck section. */
export async function readStuck(frame: Frame): Promise<StuckView> {
  const stuck = frame.locator('.stuck').first();
  await stuck.waitFor({ state: 'visible', timeout: 30_000 });
  const summaries = stuck.locator('details > summary');
  for (let i = 0; i < (await summaries.count()); i++) {
    if (!(await summaries.nth(i).evaluate((s) => (s.parentElement as HTMLDetailsElement).open))) await summaries.nth(i).click();
  }
  return stuck.evaluate((root) => {
    const svg = root.querySelector('svg.cycle-diagram');
    const box = svg?.getBoundingClientRect();
    return {
      heading: root.querySelector('h5')?.textContent ?? '',
      cycle: root.querySelector('p.bad')?.textContent ?? '',
      threads: Array.from(root.querySelectorAll(':scope > ul > li')).map((li) => ({
        lane: li.querySelector('.lane-name')?.textContent ?? '',
        inCycle: li.classList.contains('in-cycle'),
        line: li.querySelector('.stuck-line')?.textContent ?? '',
        links: Array.from(li.querySelectorAll('.stuck-line .source-link')).map((b) => b.textContent ?? ''),
        stack: Array.from(li.querySelectorAll('ol.stack > li')).map((f) => ({ text: f.textContent ?? '', link: !!f.querySelector('.source-link') })),
      })),
      diagram:
        svg && box
          ? {
              nodes: Array.from(svg.querySelectorAll('.cycle-node text')).map((t) => t.textContent ?? ''),
              labels: Array.from(svg.querySelectorAll('.cycle-label')).map((t) => t.textContent ?? ''),
              arrows: svg.querySelectorAll('path.cycle-arrow').length,
              width: box.width,
              height: box.height,
              name: svg.querySelector('title')?.textContent ?? '',
            }
          : null,
    };
  });
}

/** The active editor: its tab's file name and the cursor's line from the status bar ("Ln 36, Col 1"). */
export async function activeEditor(page: Page): Promise<{ file: string; line: number | null }> {
  const tab = page.locator('.editor-group-container.active .tabs-container .tab.active').first();
  // The tab's accessible name starts with the file name ("race.py", "race.py, preview").
  const label = (await tab.getAttribute('aria-label').catch(() => null)) ?? (await tab.innerText().catch(() => '')) ?? '';
  const file = label.split(/[,\n]/)[0];
  const selection = (await page.locator('[id="status.editor.selection"]').first().textContent().catch(() => null)) ?? '';
  const line = /Ln (\d+)/.exec(selection);
  return { file: file.trim(), line: line ? Number(line[1]) : null };
}

/** Waits until the active editor is `file` with the cursor on `line`; returns what it last saw. */
export async function waitForEditorAt(page: Page, file: string, line: number, timeoutMs = 20_000): Promise<{ file: string; line: number | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await activeEditor(page);
    if ((now.file === file && now.line === line) || Date.now() > deadline) return now;
    await page.waitForTimeout(250);
  }
}
