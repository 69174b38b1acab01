/**
 * The program's output beside its timeline, in Chromium: every line with its time and stream, a
 * virtualised list (a bounded number of rows, however long the output, every line reachable),
 * hovering the timeline highlights the lines printed up to that moment, and picking a line (click,
 * Enter) puts a cursor on the timeline at its time.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync } from 'node:fs';
import type { OutputChunk, Trace } from '../../src/shared/trace';
import { fixtureTrace } from '../fixtures/traces/make';
import { PanelHarness, type PanelPage } from './page';

/** Must match OUTPUT_ROW_PX and OUTPUT_VISIBLE_ROWS in src/webview/outputView.ts (that module needs a DOM). */
const ROW_PX = 20;
const VISIBLE_ROWS = 16;

interface ListState {
  lines: number;
  rows: number[];
  later: number[];
  upTo: number | null;
  hoverMs: number | null;
  active: number;
  renders: number;
}

interface Hook {
  variants(): { draws: number; xRange: [number, number] }[];
  output(variant: number): ListState | null;
  pointOfLine(variant: number, line: number): { x: number; y: number } | null;
  cursor(variant: number): number | null;
  clientXAt(variant: number, ms: number): number | null;
}

type Win = { __clabTest: Hook; __big?: unknown };

const init = (strings: Record<string, string> = {}, locale = 'en') => ({ type: 'init', strings, locale, defaultRuntime: 'python', pythonAvailable: true });
const listState = (p: PanelPage): Promise<ListState> => p.page.evaluate(() => (window as unknown as Win).__clabTest.output(0) as ListState);
const cursorOf = (p: PanelPage): Promise<number | null> => p.page.evaluate(() => (window as unknown as Win).__clabTest.cursor(0));
const clientXAt = (p: PanelPage, ms: number): Promise<number | null> => p.page.evaluate((t) => (window as unknown as Win).__clabTest.clientXAt(0, t), ms);
const pointOfLine = (p: PanelPage, line: number): Promise<{ x: number; y: number } | null> => p.page.evaluate((i) => (window as unknown as Win).__clabTest.pointOfLine(0, i), line);

/** The all-states program run (one variant, 120 ms) with `output` in place of its own. */
function withOutput(output: OutputChunk[], truncated?: number): Trace {
  const trace = fixtureTrace('all-states');
  trace.variants[0].output = output;
  if (truncated) trace.variants[0].outputTruncated = truncated;
  return trace;
}

/** `n` lines "line 1" … "line n" in chunks of `per` lines, the chunks spread over 0–100 ms. */
function manyLines(n: number, per: number): OutputChunk[] {
  const chunks: OutputChunk[] = [];
  for (let i = 0; i < n; i += per) {
    const lines: string[] = [];
    for (let k = i; k < Math.min(n, i + per); k++) lines.push(`line ${k + 1}\n`);
    chunks.push({ at: Math.round((i / n) * 100_000), stream: 'stdout', text: lines.join('') });
  }
  return chunks;
}

async function show(p: PanelPage, trace: Trace, strings?: Record<string, string>, locale?: string): Promise<void> {
  await p.send(init(strings, locale));
  // Stored in the page first and sent from there: a large trace crosses as JSON text far faster.
  await p.page.evaluate((json) => void ((window as unknown as Win).__big = JSON.parse(json)), JSON.stringify(trace));
  await p.page.evaluate(() => window.postMessage({ type: 'run-result', runId: 1, trace: (window as unknown as Win).__big }, '*'));
  await p.page.waitForFunction(() => {
    const h = (window as unknown as Win).__clabTest;
    return h.variants().length === 1 && h.variants()[0].draws > 0 && (h.output(0)?.renders ?? 0) > 0;
  });
}

/** Scrolls the list to `top` px and waits for the frame that renders the rows there. */
async function scrollList(p: PanelPage, top: number | 'end'): Promise<ListState> {
  const before = (await listState(p)).renders;
  await p.page.locator('pre.output').evaluate((e, t) => (e.scrollTop = t === 'end' ? e.scrollHeight : t), top);
  await p.page.waitForFunction((n) => ((window as unknown as Win).__clabTest.output(0)?.renders ?? 0) > n, before);
  return listState(p);
}

/** Moves the pointer over the timeline's lanes at time `ms`; returns the state once the list followed. */
async function hoverAt(p: PanelPage, ms: number): Promise<ListState> {
  await p.page.locator('.timeline').first().scrollIntoViewIfNeeded();
  const box = await p.page.locator('.timeline .u-over').first().boundingBox();
  assert.ok(box);
  const x = await clientXAt(p, ms);
  assert.ok(x !== null);
  await p.page.mouse.move(x, box.y + box.height / 2);
  await p.page.waitForFunction(() => (window as unknown as Win).__clabTest.output(0)?.upTo != null);
  // The frame that marks the rows follows the hover.
  await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return listState(p);
}

describe('program output beside the timeline (Chromium)', function () {
  const harness = new PanelHarness();
  let p: PanelPage;
  before(() => harness.start());
  after(() => harness.stop());
  afterEach(async () => {
    const errors = p?.errors() ?? [];
    await p?.close();
    assert.deepEqual(errors, [], 'no page errors');
  });

  it('shows every line at its time, stderr labelled (not by colour alone), the output as text', async () => {
    p = await harness.open({ height: 1400 });
    const trace = fixtureTrace('all-states');
    await show(p, trace);
    assert.equal(await p.page.locator('.program-output h5').textContent(), 'Program output · 5 lines');
    const list = p.page.locator('pre.output[role=listbox]');
    assert.equal(await list.getAttribute('aria-label'), 'Program output of stuck_demo.py, 5 lines');
    const options = list.locator('[role=option]');
    assert.equal(await options.count(), 5);
    // A line spread over two chunks is one line, timed by the first.
    assert.deepEqual(await options.evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.time, r.querySelector('.out-text')?.textContent])), [
      ['1.30 ms', 'starting two transfers\n'],
      ['15.0 ms', 'transfer 1: took lock_a\n'],
      ['15.0 ms', 'transfer 2: took lock_b\n'],
      ['16.0 ms', 'warning: <b>not markup</b> & not an entity &amp;\n'],
      ['40.0 ms', 'fetched 2 pages in 0.02 s\n'],
    ]);
    // The list's text is the output alone (times and labels are generated content), markup shown as typed.
    assert.equal(await list.textContent(), 'starting two transfers\ntransfer 1: took lock_a\ntransfer 2: took lock_b\nwarning: <b>not markup</b> & not an entity &amp;\nfetched 2 pages in 0.02 s\n');
    assert.equal(await list.locator('b').count(), 0, 'no markup from the output');
    // stderr: a boxed label on its row, and only there; the time shows before every line.
    const labels = await options.evaluateAll((rows) => rows.map((r) => getComputedStyle(r.querySelector('.out-stream') as Element, '::before').content));
    assert.deepEqual(labels, ['none', 'none', 'none', '"stderr"', 'none']);
    const stderrLabel = await options.nth(3).evaluate((r) => getComputedStyle(r.querySelector('.out-stream') as Element, '::before').borderTopStyle);
    assert.equal(stderrLabel, 'solid');
    assert.equal(await options.nth(0).evaluate((r) => getComputedStyle(r, '::before').content), '"1.30 ms"');
    // Screen readers hear the time, the stream and the text.
    assert.equal(await p.page.getByRole('option', { name: /^16\.0 ms\s*stderr\s*warning: <b>not markup<\/b>/ }).count(), 1);
    // Rows are in the row height the list is sized by.
    assert.deepEqual(await options.evaluateAll((rows) => [...new Set(rows.map((r) => Math.round(r.getBoundingClientRect().height)))]), [ROW_PX]);
  });

  it('keeps the DOM to the rows in view for 100,000 lines, and every line is reachable', async () => {
    p = await harness.open();
    await show(p, withOutput(manyLines(100_000, 1000), 12_345));
    assert.equal(await p.page.locator('.program-output h5').textContent(), 'Program output · 100,000 lines');
    assert.deepEqual(await p.page.locator('.program-output .note').allTextContents(), ['12,345 more characters of output were not kept.']);
    let state = await listState(p);
    assert.equal(state.lines, 100_000);
    const bound = VISIBLE_ROWS + 10;
    assert.ok(state.rows.length <= bound, `${state.rows.length} rows in the DOM`);
    assert.equal(await p.page.locator('.output-line').count(), state.rows.length);
    assert.equal(state.rows[0], 0);
    const list = p.page.locator('pre.output');
    assert.equal(await list.evaluate((e) => e.scrollHeight), 100_000 * ROW_PX);
    // The middle and the end, by scrolling.
    state = await scrollList(p, 50_000 * ROW_PX);
    assert.ok(state.rows.includes(50_000) && state.rows.length <= bound, state.rows.join(','));
    assert.equal(await p.page.locator('.output-line[aria-posinset="50001"] .out-text').textContent(), 'line 50001\n');
    state = await scrollList(p, 'end');
    assert.equal(state.rows.at(-1), 99_999);
    assert.ok(state.rows.length <= bound);
    const last = p.page.locator('.output-line').last();
    assert.equal(await last.locator('.out-text').textContent(), 'line 100000\n');
    // The last row is inside the box, not cut off below it.
    const [rowBox, listBox] = await Promise.all([last.boundingBox(), list.boundingBox()]);
    assert.ok(rowBox && listBox && rowBox.y + rowBox.height <= listBox.y + listBox.height + 1, JSON.stringify({ rowBox, listBox }));
    // And by keyboard: Home, then End.
    await list.focus();
    await p.page.keyboard.press('Home');
    assert.equal((await listState(p)).active, 0);
    await p.page.keyboard.press('End');
    state = await listState(p);
    assert.equal(state.active, 99_999);
    assert.ok(state.rows.length <= bound);
  });

  it('reaches the first, middle and last of 600,000 lines when the spacer is capped', async () => {
    p = await harness.open();
    await show(p, withOutput(manyLines(600_000, 20_000)));
    const list = p.page.locator('pre.output');
    const height = await list.evaluate((e) => e.scrollHeight);
    assert.ok(height < 600_000 * ROW_PX, `capped spacer: ${height} px`);
    let state = await scrollList(p, 'end');
    assert.equal(state.rows.at(-1), 599_999);
    assert.equal(await p.page.locator('.output-line').last().locator('.out-text').textContent(), 'line 600000\n');
    state = await scrollList(p, Math.round(height / 2));
    const mid = state.rows[Math.floor(state.rows.length / 2)];
    assert.ok(Math.abs(mid - 300_000) < 1000, `middle row ${mid}`);
    // Every row in view is where its index says: consecutive rows 20 px apart, inside the box.
    const tops = await p.page.locator('.output-line').evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().top));
    for (let i = 1; i < tops.length; i++) assert.ok(Math.abs(tops[i] - tops[i - 1] - ROW_PX) < 0.5, tops.join(','));
    state = await scrollList(p, 0);
    assert.equal(state.rows[0], 0);
    await list.focus();
    await p.page.keyboard.press('End');
    await p.page.keyboard.press('ArrowUp');
    assert.equal((await listState(p)).active, 599_998);
    assert.equal(await p.page.locator('#' + (await list.getAttribute('aria-activedescendant'))).locator('.out-text').textContent(), 'line 599999\n');
  });

  it('highlights exactly the lines printed up to the hovered time, and scrolls to the last of them', async () => {
    p = await harness.open({ height: 1000 });
    // 50 chunks of 3 lines, one every 2 ms from 2 ms; every third chunk on stderr.
    const chunks: OutputChunk[] = Array.from({ length: 50 }, (_, k) => ({
      at: (k + 1) * 2000,
      stream: k % 3 === 2 ? 'stderr' : 'stdout',
      text: `${k}.a\n${k}.b\n${k}.c\n`,
    }));
    await show(p, withOutput(chunks));
    // Between the 30th chunk (60 ms) and the 31st (62 ms): 90 lines printed by then.
    let state = await hoverAt(p, 61);
    assert.ok(state.hoverMs !== null && Math.abs(state.hoverMs - 61) < 0.5, String(state.hoverMs));
    assert.equal(state.upTo, 90);
    assert.ok(state.rows.includes(89), `the last line printed by then is rendered: ${state.rows.join(',')}`);
    assert.deepEqual(state.later, state.rows.filter((i) => i >= 90), 'dimmed: exactly the rendered lines after the hovered time');
    assert.equal(await p.page.locator('.output-line.now .out-text').textContent(), '29.c\n');
    const [now, box] = await Promise.all([p.page.locator('.output-line.now').boundingBox(), p.page.locator('pre.output').boundingBox()]);
    assert.ok(now && box && now.y >= box.y - 1 && now.y + now.height <= box.y + box.height + 1, 'in view');
    assert.equal(await p.page.locator('.output-line.later').first().evaluate((r) => getComputedStyle(r).opacity), '0.45');
    // Earlier: 7 ms is after the 3rd chunk (6 ms); the list scrolls back up to line 8.
    state = await hoverAt(p, 7);
    assert.equal(state.upTo, 9);
    assert.ok(state.rows.includes(8));
    assert.deepEqual(state.later, state.rows.filter((i) => i >= 9));
    // Before any output: everything dimmed.
    state = await hoverAt(p, 1);
    assert.equal(state.upTo, 0);
    assert.deepEqual(state.later, state.rows);
    // Leaving the timeline clears the highlight.
    await p.page.mouse.move(2, 2);
    await p.page.waitForFunction(() => (window as unknown as Win).__clabTest.output(0)?.upTo === null);
    await p.page.waitForFunction(() => document.querySelectorAll('.output-line.later').length === 0);
  });

  it('a clicked line, or Enter on it, puts a cursor on the timeline at its time; keys move between lines', async () => {
    p = await harness.open({ height: 1000 });
    const chunks: OutputChunk[] = Array.from({ length: 40 }, (_, k) => ({ at: 1000 + k * 2500, stream: k % 4 === 3 ? 'stderr' : 'stdout', text: `step ${k}\n` }));
    await show(p, withOutput(chunks));
    const cursor = p.page.locator('.timeline-cursor');
    assert.equal(await cursor.isVisible(), false);
    const at = await pointOfLine(p, 12);
    assert.ok(at);
    await p.page.mouse.click(at.x, at.y);
    const ms = (1000 + 12 * 2500) / 1000;
    assert.equal(await cursorOf(p), ms);
    assert.equal((await listState(p)).active, 12);
    // The cursor is drawn at that time, with the time beside it.
    await cursor.waitFor({ state: 'visible' });
    const x = await clientXAt(p, ms);
    const line = await cursor.boundingBox();
    assert.ok(line && x !== null && Math.abs(line.x + 1 - x) <= 1.5, JSON.stringify({ line, x }));
    assert.equal(await cursor.locator('span').textContent(), '31.0 ms');
    assert.equal((await p.posted()).filter((m) => m.type !== 'ready' && m.type !== 'log').length, 0, 'nothing asked of the extension');
    // Keyboard: the list has focus after the click; arrows move, Enter picks, the active line is announced.
    const list = p.page.locator('pre.output');
    assert.equal(await list.evaluate((e) => e === document.activeElement), true);
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('ArrowUp');
    assert.equal((await listState(p)).active, 13);
    const activeId = await list.getAttribute('aria-activedescendant');
    const option = p.page.locator(`#${activeId}`);
    assert.deepEqual(await option.evaluate((o) => [o.getAttribute('role'), o.getAttribute('aria-selected'), o.getAttribute('aria-posinset'), o.getAttribute('aria-setsize')]), ['option', 'true', '14', '40']);
    assert.equal(await list.locator('[aria-selected=true]').count(), 1);
    assert.equal(await cursorOf(p), ms, 'moving does not move the cursor');
    await p.page.keyboard.press('Enter');
    assert.equal(await cursorOf(p), (1000 + 13 * 2500) / 1000);
    await p.page.keyboard.press('End');
    await p.page.keyboard.press('Enter');
    assert.equal(await cursorOf(p), (1000 + 39 * 2500) / 1000);
    assert.equal((await listState(p)).rows.includes(39), true);
    // Escape takes the cursor away.
    await p.page.keyboard.press('Escape');
    assert.equal(await cursorOf(p), null);
    await cursor.waitFor({ state: 'hidden' });
  });

  it('pans the time axis to a picked line outside the zoomed range', async () => {
    p = await harness.open({ height: 1000 });
    const chunks: OutputChunk[] = Array.from({ length: 20 }, (_, k) => ({ at: 2000 + k * 5000, stream: 'stdout', text: `tick ${k}\n` }));
    await show(p, withOutput(chunks));
    await p.page.locator('.timeline').first().scrollIntoViewIfNeeded();
    const box = await p.page.locator('.timeline .u-over').first().boundingBox();
    assert.ok(box);
    // Zoom in near the start.
    await p.page.mouse.move(box.x + 4, box.y + box.height / 2);
    for (let i = 0; i < 4; i++) await p.page.mouse.wheel(0, -400);
    await p.page.waitForFunction(() => (window as unknown as Win).__clabTest.variants()[0].xRange[1] < 40);
    const ms = (2000 + 19 * 5000) / 1000;
    const at = await pointOfLine(p, 19);
    assert.ok(at);
    await p.page.mouse.click(at.x, at.y);
    await p.page.waitForFunction((t) => {
      const [min, max] = (window as unknown as Win).__clabTest.variants()[0].xRange;
      return min <= t && t <= max;
    }, ms);
    await p.page.locator('.timeline-cursor').waitFor({ state: 'visible' });
  });

  it('reads in light, dark and high contrast, and in Chinese (screenshots)', async () => {
    mkdirSync('test-results/webview', { recursive: true });
    const zh = JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;
    const chunks: OutputChunk[] = Array.from({ length: 30 }, (_, k) => ({ at: 1000 + k * 3000, stream: k % 5 === 4 ? 'stderr' : 'stdout', text: k % 5 === 4 ? `Traceback line ${k}\n` : `worker ${k % 4} done (${k})\n` }));
    for (const theme of ['light', 'dark', 'high-contrast', 'zh-cn'] as const) {
      p = await harness.open({ theme: theme === 'zh-cn' ? 'light' : theme, height: 1400 });
      if (theme === 'zh-cn') await show(p, withOutput(chunks), zh, 'zh-cn');
      else await show(p, withOutput(chunks));
      const at = await pointOfLine(p, 5);
      assert.ok(at);
      await p.page.mouse.click(at.x, at.y);
      await hoverAt(p, 40);
      const heading = (await p.page.locator('.program-output h5').textContent()) ?? '';
      if (theme === 'zh-cn') {
        assert.equal(heading, '程序输出 · 30 行');
        assert.match((await p.page.locator('.program-output .hint').textContent()) ?? '', /时间线/);
        assert.equal(await p.page.locator('pre.output').getAttribute('aria-label'), 'stuck_demo.py 的程序输出，共 30 行');
      } else assert.equal(heading, 'Program output · 30 lines');
      // The stderr label and the time read against the list's background in every theme.
      const [fg, bg] = await p.page
        .locator('.output-line.stderr')
        .first()
        .evaluate((r) => [getComputedStyle(r).color, getComputedStyle(r.closest('pre') as Element).backgroundColor]);
      assert.notEqual(fg, bg);
      // A page screenshot clipped to the variant: an element screenshot may scroll, and the pointer
      // would leave the timeline and take the highlight with it.
      const clip = await p.page.locator('.timeline').first().evaluate((e) => {
        const a = e.getBoundingClientRect();
        const b = (document.querySelector('pre.output') as Element).getBoundingClientRect();
        return { x: 0, y: Math.max(0, a.top - 4), width: document.documentElement.clientWidth, height: b.bottom - a.top + 8 };
      });
      assert.ok(((await listState(p)).later.length ?? 0) > 0, 'the hover highlight is on while the picture is taken');
      await p.page.screenshot({ path: `test-results/webview/output-${theme}.png`, clip });
      if (theme !== 'zh-cn') await p.close();
    }
  });
});
