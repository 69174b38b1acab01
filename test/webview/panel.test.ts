/**
 * The demo panel in Chromium, under the panel's real CSP: messages in, drawing and messages out.
 * Assertions read `window.__clabTest` (what the canvas drew) and the messages the stub recorded.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseFromWebview } from '../../src/shared/protocol';
import { LANE_STATES, type Trace } from '../../src/shared/trace';
import { fixtureTrace } from '../fixtures/traces/make';
import { PanelHarness, type PanelPage, type ThemeName } from './page';

interface DrawInfo {
  id: string;
  lanes: string[];
  daemon: boolean[];
  spansByState: Record<string, number>;
  rects: number;
  marks: number;
  draws: number;
  xRange: [number, number];
}

declare global {
  interface Window {
    __clabTest: {
      variants(): DrawInfo[];
      legend(): string[];
      tooltipAt(x: number, y: number): string | null;
      pointOf(variant: number, lane: number, state: string): { x: number; y: number } | null;
      lessons(): string[];
      runs(): number;
      renderMs(): number | undefined;
    };
    __csp: string[];
  }
}

/** The extension's answer to `ready`: no runs, they are the webview's own. */
const init = () => ({ type: 'init', strings: {}, locale: 'en', defaultRuntime: 'python', pythonAvailable: true });

async function waitDrawn(p: PanelPage, variants: number): Promise<DrawInfo[]> {
  await p.page
    .waitForFunction(
      (n) => {
        const v = window.__clabTest.variants();
        return v.length === n && v.every((x) => x.draws > 0);
      },
      variants,
      { timeout: 10_000 },
    )
    .catch((err: Error) => {
      throw new Error(`${err.message}\npage errors: ${p.errors().join('\n') || 'none'}`);
    });
  return p.page.evaluate(() => window.__clabTest.variants());
}

async function showRun(p: PanelPage, trace: Trace, runId = 1): Promise<DrawInfo[]> {
  await p.send(init());
  await p.send({ type: 'run-result', runId, trace });
  return waitDrawn(p, trace.variants.length);
}

describe('demo panel webview (Chromium)', function () {
  const harness = new PanelHarness();
  let p: PanelPage;
  before(() => harness.start());
  after(() => harness.stop());
  afterEach(async () => {
    const errors = p?.errors() ?? [];
    await p?.close();
    assert.deepEqual(errors, [], 'no page errors');
  });

  it('posts ready on load and renders the components under the CSP', async () => {
    p = await harness.open();
    const posted = await p.posted();
    assert.equal(posted[0].type, 'ready');
    await p.send(init());
    const styled = await p.page.evaluate(() => {
      const button = document.querySelector('vscode-button');
      const sheets = button?.shadowRoot?.adoptedStyleSheets.length ?? 0;
      return { sheets, display: button ? getComputedStyle(button).display : '' };
    });
    assert.ok(styled.sheets > 0, 'the Lit components adopted their stylesheets');
    assert.notEqual(styled.display, 'inline', 'the component styles applied (:host display)');
    assert.deepEqual(await p.page.evaluate(() => window.__csp), [], 'no CSP violation');
  });

  it('draws one lane per thread and every state of the fixtures', async () => {
    p = await harness.open();
    const gil = fixtureTrace('gil');
    const drawn = await showRun(p, gil);
    assert.deepEqual(
      drawn.map((v) => v.lanes),
      gil.variants.map((v) => v.lanes.map((l) => l.name)),
    );
    const seen = new Set<string>();
    for (const name of ['gil', 'race', 'pool', 'daemon', 'download', 'all-states'] as const) {
      const info = await showRun(p, fixtureTrace(name), 2);
      for (const v of info) for (const [state, n] of Object.entries(v.spansByState)) if (n > 0) seen.add(state);
      if (name === 'daemon') assert.deepEqual(info[0].daemon, [false, true, true], 'daemon lanes flagged');
    }
    assert.deepEqual([...seen].sort(), [...LANE_STATES].sort());
    const legend = await p.page.evaluate(() => window.__clabTest.legend());
    assert.equal(legend.length, LANE_STATES.length);
    // The two yellows say which is which.
    assert.ok(legend.includes('Waiting for the GIL') && legend.includes('Waiting for a CPU core'), legend.join(' | '));
  });

  it('scales the canvases by devicePixelRatio and still hit-tests in CSS pixels', async () => {
    p = await harness.open({ scale: 2 });
    await showRun(p, fixtureTrace('race'));
    const sizes = await p.page.evaluate(() => Array.from(document.querySelectorAll<HTMLCanvasElement>('.timeline canvas'), (c) => [c.width, c.clientWidth]));
    assert.ok(sizes.length === 2 && sizes.every(([w, cw]) => w === cw * 2), JSON.stringify(sizes));
    const at = await p.page.evaluate(() => window.__clabTest.pointOf(1, 3, 'lock-wait'));
    assert.ok(at);
    assert.match(
      (await p.page.evaluate(([x, y]) => window.__clabTest.tooltipAt(x, y), [at.x, at.y])) ?? '',
      /^ThreadPoolExecutor-0_2 · Waiting for a lock · start .* · duration .*\nThreadPoolExecutor-0_2 waited [\d.,]+ ms for Lock \(race\.py:12\) — race\.py:18\nClick to open race\.py:18 beside the panel\.$/,
    );
  });

  it('shows a tooltip with lane, state, start and duration on hover', async () => {
    p = await harness.open();
    await showRun(p, fixtureTrace('gil'));
    // Client coordinates: the timeline must be on screen for the pointer to reach it.
    await p.page.locator('.timeline').nth(1).scrollIntoViewIfNeeded();
    const at = await p.page.evaluate(() => window.__clabTest.pointOf(1, 1, 'gil-wait'));
    assert.ok(at, 'a GIL-wait span of Thread-1 is visible');
    await p.page.mouse.move(at.x, at.y);
    const tip = p.page.locator('.tooltip:visible');
    await tip.waitFor();
    const text = (await tip.textContent()) ?? '';
    assert.match(text, /^Thread-1 · Waiting for the GIL · start [\d.,]+ ms · duration [\d.,]+ ms/);
    assert.equal(await p.page.evaluate(([x, y]) => window.__clabTest.tooltipAt(x, y), [at.x, at.y]), text);
  });

  it('ignores malformed messages and reports them with a log message', async () => {
    p = await harness.open();
    await showRun(p, fixtureTrace('race'));
    await p.send({ type: 'run-result', runId: 2, trace: { schema: 2, variants: 'x' } });
    await p.send({ kind: 'nonsense' });
    await p.send('a string');
    const logs = (await p.posted()).filter((m) => m.type === 'log');
    assert.equal(logs.length, 3);
    assert.match(String(logs[0].message), /malformed trace/);
    assert.equal(await p.page.evaluate(() => window.__clabTest.runs()), 1, 'no run was added');
    assert.equal((await p.page.evaluate(() => window.__clabTest.variants())).length, 2, 'the run on screen stayed');
  });

  it('refuses a schema-1 trace by message, and drops kept schema-1 runs with a note', async () => {
    const old = { ...fixtureTrace('race'), schema: 1 } as unknown as Trace;
    const oldState = (JSON.parse(JSON.stringify(old)) as { variants: { spans: { state: string }[] }[] });
    oldState.variants[0].spans[0].state = 'ready';
    p = await harness.open({ state: { v: 1, runs: [{ trace: oldState }, { trace: fixtureTrace('pool') }], selected: 1 } });
    await waitDrawn(p, 4);
    assert.match((await p.page.locator('.status').textContent()) ?? '', /An earlier run was dropped: it was saved in an older trace format\./);
    assert.equal(await p.page.evaluate(() => window.__clabTest.runs()), 1, 'the schema-2 run stays');
    await p.send({ type: 'run-result', runId: 2, trace: old });
    const stale = { ...fixtureTrace('race'), startedAt: '2026-11-27T09:00:00.000Z' };
    stale.variants[0].spans[0] = { ...stale.variants[0].spans[0], state: 'ready' as never };
    await p.send({ type: 'run-result', runId: 3, trace: stale });
    const logs = (await p.posted()).filter((m) => m.type === 'log').map((m) => String(m.message));
    assert.equal(logs.length, 2);
    assert.match(logs[0], /malformed trace: schema 1 is not read here/);
    assert.match(logs[1], /variants\[0\]\.spans\[0\] is not a span of a known state/);
    assert.equal(await p.page.evaluate(() => window.__clabTest.runs()), 1, 'neither was added');
  });

  it('owns its runs: after a reload they come back from its saved state, and init brings none', async () => {
    p = await harness.open();
    await showRun(p, fixtureTrace('race'));
    await p.send({ type: 'run-result', runId: 2, trace: { ...fixtureTrace('gil'), startedAt: '2026-11-27T09:00:00.000Z' } });
    await waitDrawn(p, 3);
    const saved = await p.page.waitForFunction(() => {
      const state = (window as unknown as { __state?: { runs?: unknown[] } }).__state;
      return state?.runs?.length === 2 && state;
    });
    const state = await saved.jsonValue();
    await p.close();
    // Hidden and shown again, or the window reloaded: the page starts over from its state.
    p = await harness.open({ state });
    await waitDrawn(p, 3);
    assert.equal(await p.page.evaluate(() => window.__clabTest.runs()), 2, 'both runs, before the extension said anything');
    await p.send(init());
    await waitDrawn(p, 3);
    assert.equal(await p.page.evaluate(() => window.__clabTest.runs()), 2, 'init adds none and drops none');
    assert.equal(await p.page.locator('#clab-runs vscode-option').count(), 2);
    // A restored run exports as any other: the webview makes and names the file.
    await p.page.click('#clab-export-trace');
    await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'save'));
    const save = (await p.posted()).find((m) => m.type === 'save');
    assert.equal(save?.fileName, 'concurrency-lab-gil-python.json');
    assert.ok(parseFromWebview(save).ok);
  });

  it('shows a traced program: exit status, where threads were stuck, its output as text, task lanes', async () => {
    p = await harness.open({ height: 1400 });
    const trace = fixtureTrace('all-states');
    const [info] = await showRun(p, trace);
    assert.deepEqual(info.lanes, trace.variants[0].lanes.map((l) => l.name));
    assert.match((await p.page.locator('.summary h2').textContent()) ?? '', /^Your program: stuck_demo\.py --accounts 2$/);
    assert.match((await p.page.locator('.variant h4').textContent()) ?? '', /stuck_demo\.py — [\d.,]+ ms · stopped by signal SIGTERM/);
    assert.match((await p.page.locator('.summary-table td.bad, .summary-table td .bad').allTextContents()).join(' '), /stopped by signal SIGTERM/);
    // Stuck: each thread's innermost frame and what it waits for, and the deadlock cycle.
    const stuck = p.page.locator('.stuck');
    assert.match((await stuck.locator('p.bad').textContent()) ?? '', /^Deadlock: Thread-1 \(transfer\) → Thread-2 \(transfer\) → Thread-1 \(transfer\)$/);
    const items = await stuck.locator('.stuck-line').allTextContents();
    assert.deepEqual(items, [
      'MainThread — threading.py:1119 in join — waits for Thread-1 (transfer)',
      'Thread-1 (transfer) — stuck_demo.py:24 in transfer — waits for Lock (stuck_demo.py:9), held by Thread-2 (transfer)',
      'Thread-2 (transfer) — stuck_demo.py:24 in transfer — waits for Lock (stuck_demo.py:8), held by Thread-1 (transfer)',
    ]);
    assert.equal(await stuck.locator('li.in-cycle').count(), 2);
    // Output: text only, a line per row, stderr marked, markup in it shown as typed.
    const pre = p.page.locator('pre.output');
    assert.equal(await pre.textContent(), trace.variants[0].output!.map((c) => c.text).join(''));
    assert.equal(await pre.locator('b').count(), 0, 'no markup from the output');
    assert.equal(await pre.locator('.output-line.stderr .out-text').textContent(), 'warning: <b>not markup</b> & not an entity &amp;\n');
    // Task lanes are labelled as asyncio tasks; tooltips carry the note and where the state began.
    const taskIndex = trace.variants[0].lanes.findIndex((l) => l.kind === 'task');
    const at = await p.page.evaluate((lane) => window.__clabTest.pointOf(0, lane, 'io'), taskIndex);
    assert.ok(at);
    assert.match(
      (await p.page.evaluate(([x, y]) => window.__clabTest.tooltipAt(x, y), [at.x, at.y])) ?? '',
      /^Task-1 \(fetch\) ◦ asyncio task · Waiting for I\/O · start .*\nTask-1 waited [\d.,]+ ms for I\/O \(StreamReader\.read\) — stuck_demo\.py:62\n/,
    );
    const blocked = await p.page.evaluate(() => window.__clabTest.pointOf(0, 3, 'blocked'));
    assert.ok(blocked);
    assert.match((await p.page.evaluate(([x, y]) => window.__clabTest.tooltipAt(x, y), [blocked.x, blocked.y])) ?? '', /^Thread-3 \(watchdog\) ◦ daemon · Blocked in a system call · .*\nThread-3 was blocked [\d.,]+ ms in a system call \((futex|epoll_wait)\)/);
    // The tables keep the waits apart: one column per state.
    const header = await p.page.locator('section.tables thead th').allTextContents();
    assert.deepEqual(header.slice(1, -2), ['Running', 'Waiting for a CPU core', 'Waiting for the GIL', 'Sleeping', 'Waiting for a lock', 'Waiting for a thread or task to finish (join)', 'Waiting for I/O', 'Idle, nothing to do', 'Blocked in a system call', 'Done']);
    // The CSV has a column per state and the exit status.
    await p.page.click('#clab-export-csv');
    const csv = String((await p.posted()).filter((m) => m.type === 'save').at(-1)?.content);
    const [head, row] = csv.trim().split('\n').map((l) => l.split(','));
    assert.ok(['exit_code', 'signal', 'core_wait_ms', 'gil_wait_ms', 'join_wait_ms', 'blocked_ms'].every((c) => head.includes(c)), head.join(','));
    assert.equal(row[head.indexOf('signal')], 'SIGTERM');
    const gilMs = trace.variants[0].spans.filter((x) => x.state === 'gil-wait').reduce((a, x) => a + x.end - x.start, 0) / 1000;
    assert.equal(Number(row[head.indexOf('gil_wait_ms')]), Number(gilMs.toFixed(3)));
  });

  it('says in words what a span was, and a click on it asks to open its code (a drag does not)', async () => {
    p = await harness.open();
    const trace = fixtureTrace('race');
    await showRun(p, trace);
    await p.page.locator('.timeline').nth(1).scrollIntoViewIfNeeded();
    const at = await p.page.evaluate(() => window.__clabTest.pointOf(1, 3, 'lock-wait'));
    assert.ok(at);
    await p.page.mouse.move(at.x, at.y);
    const tip = p.page.locator('.tooltip:visible');
    await tip.waitFor();
    assert.match((await tip.innerText()) ?? '', /\nThreadPoolExecutor-0_2 waited [\d.,]+ ms for Lock \(race\.py:12\) — race\.py:18\nClick to open race\.py:18 beside the panel\./);
    assert.equal(await p.page.locator('.timeline .u-over').nth(1).evaluate((e) => (e as HTMLElement).style.cursor), 'pointer');
    mkdirSync('test-results/webview', { recursive: true });
    await p.page.locator('.timeline').nth(1).screenshot({ path: 'test-results/webview/tooltip-words-dark.png' });
    await p.page.mouse.down();
    await p.page.mouse.up();
    const opens = async () => (await p.posted()).filter((m) => m.type === 'open-source');
    await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'open-source'));
    const [open] = await opens();
    assert.deepEqual(open, { type: 'open-source', startedAt: trace.startedAt, scenario: 'race', runtime: 'python', file: 'race.py', line: 18 });
    assert.equal(parseFromWebview(open).ok, true, 'the extension accepts the message');
    // A drag zooms; ending on a span opens nothing.
    await p.page.mouse.move(at.x - 80, at.y);
    await p.page.mouse.down();
    await p.page.mouse.move(at.x - 20, at.y, { steps: 4 });
    await p.page.mouse.move(at.x, at.y, { steps: 2 });
    await p.page.mouse.up();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await opens()).length, 1, 'no open after a drag');
    await p.close();
    // In Chinese, the sentence keeps its own word order.
    p = await harness.open({ theme: 'light' });
    await p.send({ ...init(), strings: JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>, locale: 'zh-cn' });
    await p.send({ type: 'run-result', runId: 1, trace });
    await waitDrawn(p, trace.variants.length);
    await p.page.locator('.timeline').nth(1).scrollIntoViewIfNeeded();
    const zhAt = await p.page.evaluate(() => window.__clabTest.pointOf(1, 3, 'lock-wait'));
    assert.ok(zhAt);
    await p.page.mouse.move(zhAt.x, zhAt.y);
    await p.page.locator('.tooltip:visible').waitFor();
    assert.match((await p.page.locator('.tooltip:visible').innerText()) ?? '', /\nThreadPoolExecutor-0_2 等待 Lock \(race\.py:12\)，耗时 [\d.,]+ ms — race\.py:18\n点击可在面板旁打开 race\.py:18。/);
    await p.page.locator('.timeline').nth(1).screenshot({ path: 'test-results/webview/tooltip-words-zh-cn.png' });
  });

  it('links each stuck frame of the program to its code, and draws the deadlock cycle (screenshots)', async () => {
    mkdirSync('test-results/webview', { recursive: true });
    const trace = fixtureTrace('all-states');
    const zh = JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;
    for (const theme of ['light', 'dark', 'high-contrast', 'zh-cn'] as const) {
      p = await harness.open({ theme: theme === 'zh-cn' ? 'light' : theme, height: 1400 });
      if (theme === 'zh-cn') {
        await p.send({ ...init(), strings: zh, locale: 'zh-cn' });
        await p.send({ type: 'run-result', runId: 1, trace });
        await waitDrawn(p, 1);
      } else await showRun(p, trace);
      const stuck = p.page.locator('.stuck');
      await stuck.scrollIntoViewIfNeeded();
      await stuck.locator('details').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
      await stuck.screenshot({ path: `test-results/webview/stuck-${theme}.png` });
      const svg = stuck.locator('figure.cycle svg[role=img]');
      assert.equal(await svg.count(), 1);
      assert.equal(await svg.locator('.cycle-node').count(), 2);
      assert.equal(await svg.locator('.cycle-arrow').count(), 2);
      const name = (await svg.locator('title').textContent()) ?? '';
      if (theme === 'zh-cn') assert.match(name, /Thread-1 \(transfer\) 等待 Lock \(stuck_demo\.py:9\)，它被 Thread-2 \(transfer\) 持有/);
      else assert.match(name, /^Wait-for cycle: Thread-1 \(transfer\) waits for Lock \(stuck_demo\.py:9\), held by Thread-2 \(transfer\); Thread-2 \(transfer\) waits for Lock \(stuck_demo\.py:8\), held by Thread-1 \(transfer\)$/);
      // Theme colours, not fixed ones: the arrows take the theme's red.
      const [stroke, red] = await svg.locator('.cycle-arrow').first().evaluate((e) => [getComputedStyle(e).stroke, getComputedStyle(document.body).getPropertyValue('--vscode-charts-red').trim()]);
      assert.equal(stroke, `rgb(${[1, 3, 5].map((i) => parseInt(red.slice(i, i + 2), 16)).join(', ')})`);
      await p.close();
    }
    p = await harness.open({ height: 1400 });
    await showRun(p, trace);
    const stuck = p.page.locator('.stuck');
    // The innermost program frames are links; the interpreter's own (threading.py) stay text.
    assert.deepEqual(await stuck.locator('.stuck-line .source-link').allTextContents(), ['stuck_demo.py:24', 'stuck_demo.py:24']);
    assert.deepEqual(await stuck.locator('ol.stack').first().locator('.source-link').allTextContents(), ['stuck_demo.py:52']);
    assert.match((await stuck.locator('ol.stack').first().textContent()) ?? '', /threading\.py:1119 join/);
    await stuck.locator('.stuck-line .source-link').first().click();
    await stuck.locator('details summary').first().click();
    await stuck.locator('ol.stack').first().locator('.source-link').focus();
    await p.page.keyboard.press('Enter');
    const opens = (await p.posted()).filter((m) => m.type === 'open-source');
    assert.deepEqual(opens, [
      // The program's path goes along: after a window reload it is how the extension finds the program's folder.
      { type: 'open-source', startedAt: trace.startedAt, scenario: 'program', runtime: 'python', program: trace.program!.path, file: 'stuck_demo.py', line: 24 },
      { type: 'open-source', startedAt: trace.startedAt, scenario: 'program', runtime: 'python', program: trace.program!.path, file: 'stuck_demo.py', line: 52 },
    ]);
    await p.close();
    // A thread waiting for itself, and a cycle of three, are drawn too.
    for (const [name, cycle] of [['self', 1], ['three', 3]] as const) {
      const t = fixtureTrace('all-states');
      const v = t.variants[0];
      const lanes = v.lanes.slice(1, 1 + cycle).map((l) => l.id);
      v.stuck!.deadlock = lanes;
      v.stuck!.threads = lanes.map((lane, i) => ({ lane, frames: [{ file: 'stuck_demo.py', line: 24, func: 'transfer' }], waitsFor: `Lock (stuck_demo.py:${8 + i})`, heldBy: lanes[(i + 1) % lanes.length] }));
      p = await harness.open({ theme: 'dark', height: 1400 });
      await showRun(p, t);
      const svg = p.page.locator('figure.cycle svg');
      assert.equal(await svg.locator('.cycle-node').count(), cycle);
      assert.equal(await svg.locator('.cycle-arrow').count(), cycle);
      if (cycle === 1) assert.match((await svg.locator('title').textContent()) ?? '', /Thread-1 \(transfer\) waits for Lock \(stuck_demo\.py:8\), which it holds itself/);
      await p.page.locator('figure.cycle').screenshot({ path: `test-results/webview/stuck-cycle-${name}.png` });
      await p.close();
    }
    p = await harness.open();
  });

  it('gives keyboard users the code of each lane in the tables', async () => {
    p = await harness.open({ height: 1400 });
    const trace = fixtureTrace('all-states');
    await showRun(p, trace);
    const tables = p.page.locator('section.tables');
    assert.equal(await tables.evaluate((e) => e.classList.contains('sr-only')), true);
    assert.equal((await tables.locator('thead th').allTextContents()).at(-1), 'In the code');
    const row = tables.locator('tbody tr').nth(1);
    assert.match((await row.textContent()) ?? '', /Thread-1 \(transfer\).*started at stuck_demo\.py:44waited at stuck_demo\.py:24, stuck_demo\.py:(19|22), stuck_demo\.py:(19|22)$/);
    const link = row.locator('.source-link').first();
    await link.focus();
    // Focus inside the hidden tables shows them, so the focused link is seen.
    assert.ok(((await link.boundingBox())?.width ?? 0) > 20, 'the focused link is visible');
    await p.page.keyboard.press('Enter');
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.press('Space');
    const opens = (await p.posted()).filter((m) => m.type === 'open-source');
    assert.deepEqual(
      opens.map((m) => [m.file, m.line]),
      [
        ['stuck_demo.py', 44],
        ['stuck_demo.py', 24],
      ],
    );
  });

  it('shows all of a long output, every line reachable by scrolling, and says what was not kept', async () => {
    p = await harness.open();
    const trace = fixtureTrace('all-states');
    const lines = Array.from({ length: 2500 }, (_, i) => `line ${i + 1}\n`);
    trace.variants[0].output = [
      { at: 0, stream: 'stdout', text: lines.slice(0, 1000).join('') },
      { at: 10, stream: 'stderr', text: lines.slice(1000).join('') },
    ];
    trace.variants[0].outputTruncated = 12_345;
    await showRun(p, trace);
    assert.equal(await p.page.locator('.program-output h5').textContent(), 'Program output · 2,500 lines');
    const notes = await p.page.locator('.program-output .note').allTextContents();
    assert.deepEqual(notes, ['12,345 more characters of output were not kept.']);
    const pre = p.page.locator('pre.output');
    assert.ok(((await pre.textContent()) ?? '').startsWith('line 1\nline 2\n'), 'from the first line');
    assert.ok((await pre.locator('.output-line').count()) < 40, 'only the rows in view');
    await pre.evaluate((e) => (e.scrollTop = e.scrollHeight));
    await p.page.waitForFunction(() => document.querySelector('pre.output')?.textContent?.endsWith('line 2500\n'));
    assert.equal(await pre.locator('.output-line').last().evaluate((r) => [r.classList.contains('stderr'), (r as HTMLElement).dataset.time]).then(String), 'true,0.01 ms');
  });

  it('zooms all variants together with the wheel and with a drag', async () => {
    p = await harness.open();
    const before = await showRun(p, fixtureTrace('gil'));
    const full = before[0].xRange;
    assert.ok(before.every((v) => v.xRange[0] === full[0] && v.xRange[1] === full[1]), 'one time scale from the start');
    await p.page.locator('.timeline').nth(1).scrollIntoViewIfNeeded();
    const at = await p.page.evaluate(() => window.__clabTest.pointOf(1, 1, 'running'));
    assert.ok(at);
    await p.page.mouse.move(at.x, at.y);
    await p.page.mouse.wheel(0, -300);
    await p.page.waitForFunction((w) => window.__clabTest.variants()[0].xRange[1] - window.__clabTest.variants()[0].xRange[0] < w, full[1] - full[0]);
    const zoomed = await p.page.evaluate(() => window.__clabTest.variants());
    for (const v of zoomed) assert.deepEqual(v.xRange, zoomed[0].xRange);
    // Drag-select on the last timeline: the others follow.
    const last = p.page.locator('.timeline .u-over').last();
    await last.scrollIntoViewIfNeeded();
    const box = (await last.boundingBox())!;
    await p.page.mouse.move(box.x + box.width * 0.3, box.y + 10);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + box.width * 0.5, box.y + 10, { steps: 5 });
    await p.page.mouse.up();
    await p.page.waitForFunction((r) => window.__clabTest.variants()[0].xRange[1] < r, zoomed[0].xRange[1]);
    const dragged = await p.page.evaluate(() => window.__clabTest.variants());
    for (const v of dragged) assert.deepEqual(v.xRange, dragged[0].xRange);
    // Keys on a focused timeline: 0 resets, + zooms in.
    await p.page.focus('.timeline');
    await p.page.keyboard.press('0');
    await p.page.waitForFunction((f) => window.__clabTest.variants().every((v) => v.xRange[0] === f[0] && v.xRange[1] === f[1]), full);
    await p.page.keyboard.press('+');
    await p.page.waitForFunction((f) => window.__clabTest.variants().every((v) => v.xRange[1] - v.xRange[0] < (f[1] - f[0]) * 0.8), full);
  });

  it('posts a valid run message from the controls, and refuses bad values inline', async () => {
    p = await harness.open();
    await p.send(init());
    const threads = p.page.locator('#clab-threads');
    await threads.evaluate((el) => ((el as HTMLInputElement).value = '0'));
    await p.page.click('#clab-run');
    assert.match((await p.page.locator('#clab-errors').textContent()) ?? '', /threads must be between 1 and 64, got 0/);
    assert.equal((await p.posted()).filter((m) => m.type === 'run').length, 0);
    await threads.evaluate((el) => ((el as HTMLInputElement).value = '4'));
    await p.page.click('#clab-run');
    const runs = (await p.posted()).filter((m) => m.type === 'run');
    assert.equal(runs.length, 1);
    const parsed = parseFromWebview(runs[0]);
    assert.ok(parsed.ok && parsed.value.type === 'run');
    if (parsed.ok && parsed.value.type === 'run') {
      assert.equal(parsed.value.request.scenario, 'gil');
      assert.deepEqual(parsed.value.request.params, { threads: 4, scale: 1 });
      assert.equal(parsed.value.request.repeat, undefined, 'one run unless asked');
    }
    const repeat = p.page.locator('#clab-repeat');
    await repeat.evaluate((el) => ((el as HTMLInputElement).value = '0'));
    await p.page.click('#clab-run');
    assert.match((await p.page.locator('#clab-errors').textContent()) ?? '', /Repeat must be a whole number from 1 to 20/);
    await repeat.evaluate((el) => ((el as HTMLInputElement).value = '3'));
    await p.page.click('#clab-run');
    const repeated = parseFromWebview((await p.posted()).filter((m) => m.type === 'run').at(-1));
    assert.ok(repeated.ok && repeated.value.type === 'run' && repeated.value.request.repeat === 3, 'repeat 3 is posted');
    // A run started elsewhere (a walkthrough link) shows in the controls, and Cancel posts cancel.
    await p.send({ type: 'run-started', runId: 5, request: { scenario: 'pool', runtime: 'node', params: { tasks: 6, pools: [2, 4] } } });
    assert.equal(await p.page.locator('#clab-pools').evaluate((el) => (el as HTMLInputElement).value), '2, 4');
    assert.equal(await p.page.locator('.field-threads').isHidden(), true, 'pool has no threads parameter');
    await p.page.click('#clab-cancel');
    assert.equal((await p.posted()).at(-1)?.type, 'cancel');
  });

  it('says how a run goes from its structured progress, translated by id', async () => {
    p = await harness.open();
    const zh = JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;
    const fill = (key: string, ...args: string[]) => args.reduce((text, a, i) => text.replace(`{${i}}`, a), zh[key]);
    await p.send({ ...init(), strings: zh, locale: 'zh-cn' });
    await p.send({ type: 'run-started', runId: 5, request: { scenario: 'pool', runtime: 'node', params: { tasks: 6, pools: [2, 4] } } });
    await p.send({ type: 'run-progress', runId: 5, progress: { kind: 'variant', variant: 'pool-4', index: 2, count: 2, round: 1, rounds: 3, argv: ['node', 'pool.mjs'] } });
    assert.equal(await p.page.locator('.status').textContent(), `${fill('Pool of {0}', '4')} (2/2, ${fill('run {0} of {1}', '1', '3')})`);
    await p.send({ type: 'run-progress', runId: 6, progress: { kind: 'note', note: 'tracing', args: ['app.py', 'Python'] } });
    assert.equal(await p.page.locator('.status').textContent(), fill('Tracing {0} on {1}', 'app.py', 'Python'));
  });

  it('summarizes outcomes, keeps results visible when a run fails, and exports', async () => {
    p = await harness.open();
    await showRun(p, fixtureTrace('race'));
    const bad = await p.page.locator('td.bad').first().textContent();
    assert.equal(bad, 'expected 100 · actual 37');
    const lessons = await p.page.evaluate(() => window.__clabTest.lessons());
    assert.ok(lessons.some((l) => l === 'Without a lock: 63 of 100 updates were lost to the race.'), lessons.join('\n'));
    const parts = await p.page.locator('.breakdown-legend li').allTextContents();
    assert.ok(parts.includes('waiting for locks') && parts.includes('start-up (before the lanes began)'), `the time bar says where the time went: ${parts.join(', ')}`);
    await p.send({ type: 'run-failed', runId: 3, error: 'python3 exited with code 1', hint: 'Check the Python path setting.' });
    assert.match((await p.page.locator('.failure').textContent()) ?? '', /exited with code 1.*Check the Python path/);
    assert.equal((await p.page.evaluate(() => window.__clabTest.variants())).length, 2, 'previous results stay');
    // One at a time: the PNG is encoded asynchronously.
    for (const [i, id] of ['csv', 'svg', 'png', 'trace'].entries()) {
      await p.page.click(`#clab-export-${id}`);
      await p.page.waitForFunction((n) => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'save').length > n, i);
    }
    const saves = (await p.posted()).filter((m) => m.type === 'save');
    assert.deepEqual(saves.map((s) => s.format), ['csv', 'svg', 'png', 'chrome-trace']);
    assert.ok(saves.every((s) => parseFromWebview(s).ok));
    mkdirSync('test-results/webview', { recursive: true });
    writeFileSync('test-results/webview/export.png', Buffer.from(String(saves[2].content), 'base64'));
    await p.page.setContent(String(saves[1].content));
    await p.page.screenshot({ path: 'test-results/webview/export-svg.png', fullPage: true });
    assert.match(String(saves[0].content), /^variant,title,wall_ms/);
    assert.match(String(saves[1].content), /^<svg[\s\S]*<rect[\s\S]*ThreadPoolExecutor-0_3/);
    assert.equal(Buffer.from(String(saves[2].content), 'base64').subarray(1, 4).toString(), 'PNG');
    // The webview makes every file itself, from the shared trace code, and names it as the extension used to.
    const chrome = JSON.parse(String(saves[3].content)) as { traceEvents: { name: string }[] };
    assert.ok(chrome.traceEvents.some((e) => e.name === 'thread_name'), 'Chrome Trace Event JSON, converted in the webview');
    assert.deepEqual(saves.map((s) => s.fileName), ['csv', 'svg', 'png', 'json'].map((ext) => `concurrency-lab-race-python.${ext}`));
    assert.ok(saves.every((s) => !('runIndex' in s)), 'no index into a list the extension no longer keeps');
  });

  it('names a busy machine first, from the CPU other programs used during the run', async () => {
    p = await harness.open();
    const busy = fixtureTrace('gil');
    busy.variants = busy.variants.map((v) => ({ ...v, otherCpuUs: v.wallUs * 1.2 }));
    await showRun(p, busy);
    const first = p.page.locator('.lesson li').first();
    assert.equal(await first.getAttribute('class'), 'warning');
    assert.match((await first.textContent()) ?? '', /^The machine was busy: other programs used 1\.2 cores/);
    // The offer to run again: same scenario and parameters, three times, medians compared.
    await p.page.click('#clab-rerun');
    const posted = parseFromWebview((await p.posted()).filter((m) => m.type === 'run').at(-1));
    assert.ok(posted.ok && posted.value.type === 'run', 'a run was posted');
    if (posted.ok && posted.value.type === 'run') {
      assert.equal(posted.value.request.scenario, busy.scenario);
      assert.equal(posted.value.request.repeat, 3);
      assert.deepEqual(posted.value.request.params, Object.fromEntries(Object.entries(busy.params).filter(([k]) => ['threads', 'scale'].includes(k))));
    }
    await showRun(p, fixtureTrace('gil'), 2);
    assert.equal(await p.page.locator('.lesson li.warning').count(), 0, 'a quiet run gets no warning');
  });

  it('keeps earlier runs: the latest is shown, an earlier one can be picked', async () => {
    p = await harness.open();
    await showRun(p, fixtureTrace('gil'), 1);
    await p.send({ type: 'run-result', runId: 2, trace: { ...fixtureTrace('pool'), startedAt: '2026-11-27T08:05:00.000Z' } });
    await waitDrawn(p, 4);
    assert.equal(await p.page.evaluate(() => window.__clabTest.runs()), 2);
    // The run list is refilled after the chart is painted.
    await p.page.locator('#clab-runs vscode-option').nth(1).waitFor({ state: 'attached' });
    assert.equal(await p.page.locator('#clab-runs vscode-option').count(), 2);
    await p.page.evaluate(() => {
      const select = document.querySelector('#clab-runs') as HTMLElement & { value: string };
      select.value = '0';
      select.dispatchEvent(new Event('change'));
    });
    const shown = await waitDrawn(p, 3);
    assert.deepEqual(shown.map((v) => v.id), ['sequential', 'threads', 'processes']);
  });

  it('predict, then run: compares each guess with the measured speedup, marked in words, and keeps it with its run', async () => {
    p = await harness.open({ theme: 'light', height: 1300 });
    await p.send(init());
    const picker = p.page.locator('#clab-predict');
    assert.equal(await picker.isVisible(), true, 'offered under the controls');
    assert.match((await picker.textContent()) ?? '', /Compared with Sequential: faster means a speedup of at least 1\.20×, slower at most 0\.83×/);
    const pick = (id: string, value: string) => p.page.locator(`#clab-predict-${id}`).evaluate((el, v) => ((el as HTMLElement & { value: string }).value = v), value);
    const picked = (id: string) => p.page.locator(`#clab-predict-${id}`).evaluate((el) => (el as HTMLElement & { value: string }).value);
    assert.equal(await p.page.locator('#clab-predict-threads').isVisible(), false, 'folded: one line for whoever just presses Run');
    await p.page.click('#clab-predict summary');
    assert.equal(await p.page.locator('#clab-predict-threads').isVisible(), true);
    assert.equal(await picked('threads'), 'none', 'no prediction unless the learner makes one');
    const face = () => p.page.locator('#clab-predict-threads').evaluate((el) => el.shadowRoot?.querySelector('.text')?.textContent);
    assert.equal(await face(), 'No prediction', 'the select shows its choice');
    await pick('threads', 'faster');
    await pick('processes', 'faster');
    // Another thread count keeps the guesses; they are about the same variants.
    await p.page.locator('#clab-threads').evaluate((el) => {
      (el as HTMLInputElement).value = '3';
      el.dispatchEvent(new Event('input'));
    });
    assert.equal(await picked('threads'), 'faster');
    await p.page.click('#clab-run');
    const run = (await p.posted()).filter((m) => m.type === 'run').at(-1) as { request: unknown } | undefined;
    assert.ok(run, 'Run posts as before');
    await p.send({ type: 'run-started', runId: 7, request: run.request });
    assert.equal(await picked('threads'), 'none', 'a guess is for one run: the picker starts afresh');
    assert.equal(await face(), 'No prediction');
    await p.page.screenshot({ path: 'test-results/webview/prediction-picker-gil.png', clip: { x: 0, y: 0, width: 1100, height: 260 } });
    await p.send({ type: 'run-result', runId: 7, trace: fixtureTrace('gil') });
    await waitDrawn(p, 3);
    assert.equal(await face(), 'No prediction', 'still readable after the result');
    const result = p.page.locator('.summary .prediction-result');
    const lines = await result.locator('li').allTextContents();
    // The fixture: threads take about as long as sequential (GIL), processes about half.
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0], /^Threads: you said faster — measured 0\.\d\d×, about the same ✗ wrong$/);
    assert.match(lines[1], /^Processes: you said faster — measured 1\.\d\d×, faster ✓ right$/);
    assert.equal(await result.locator('h3').textContent(), 'Your prediction: 1 of 2 right');
    assert.equal(await result.locator('li.wrong .mark').getAttribute('class'), 'mark bad');
    assert.match((await result.textContent()) ?? '', /at least 1\.20×, slower at most 0\.83×/, 'the bands are stated beside the verdict');
    const first = await p.page.evaluate(() => document.querySelector('.summary')!.firstElementChild!.nextElementSibling!.nextElementSibling!.className);
    assert.equal(first, 'prediction-result', 'at the top of the summary, under the run title');
    mkdirSync('test-results/webview', { recursive: true });
    await p.page.screenshot({ path: 'test-results/webview/prediction-light.png', fullPage: true });
    // A run started elsewhere (a walkthrough link) with no guesses made has no prediction.
    const pool = { ...fixtureTrace('pool'), startedAt: '2026-11-27T08:05:00.000Z' };
    await p.send({ type: 'run-started', runId: 8, request: { scenario: 'pool', runtime: 'python', params: {} } });
    await p.send({ type: 'run-result', runId: 8, trace: pool });
    await waitDrawn(p, 4);
    assert.equal(await p.page.locator('.prediction-result').count(), 0);
    // Picking the earlier run shows the prediction made for it.
    await p.page.locator('#clab-runs vscode-option').nth(1).waitFor({ state: 'attached' });
    const choose = (i: number) =>
      p.page.evaluate((n) => {
        const select = document.querySelector('#clab-runs') as HTMLElement & { value: string };
        select.value = String(n);
        select.dispatchEvent(new Event('change'));
      }, i);
    await choose(0);
    await waitDrawn(p, 3);
    assert.deepEqual(await p.page.locator('.prediction-result li').allTextContents(), lines);
    // Reloaded from the saved state, with junk in it: the good prediction stays, the junk goes.
    const saved = await p.page.waitForFunction(() => {
      const state = (window as unknown as { __state?: { runs?: { prediction?: unknown }[] } }).__state;
      return state?.runs?.length === 2 && state.runs[0].prediction && state;
    });
    const state = (await saved.jsonValue()) as { runs: Record<string, unknown>[]; selected: number };
    assert.deepEqual(state.runs[0].prediction, { threads: 'faster', processes: 'faster' }, 'stored with its run');
    state.runs[1].prediction = { 'pool-2': 'maybe', 'pool-4': 7, 'no-such-variant': 'faster', constructor: 'slower' };
    state.runs[1].junk = { huge: 'x'.repeat(100) };
    await p.close();
    p = await harness.open({ state: { ...state, selected: 1 } });
    await waitDrawn(p, 4);
    assert.equal(await p.page.locator('.prediction-result').count(), 0, 'a stored prediction of junk is dropped');
    await choose(0);
    await waitDrawn(p, 3);
    assert.deepEqual(await p.page.locator('.prediction-result li').allTextContents(), lines);
    // Saved again on the pick: what was dropped stays dropped.
    const resaved = await p.page.waitForFunction(() => {
      const s = (window as unknown as { __state: { selected: number; runs: Record<string, unknown>[] } }).__state;
      return s.selected === 0 && s.runs;
    });
    const runs = (await resaved.jsonValue()) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(runs[1]), ['trace'], 'unknown fields are not kept');
    assert.deepEqual(runs[0].prediction, { threads: 'faster', processes: 'faster' });
    await p.close();
    // In Chinese, with the glossary's words for the variants and the verdict.
    const zh = JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;
    p = await harness.open({ theme: 'dark', height: 1300 });
    await p.send({ ...init(), strings: zh, locale: 'zh-cn' });
    await p.page.click('#clab-predict summary');
    assert.match((await p.page.locator('#clab-predict').textContent()) ?? '', /与顺序执行相比：加速比不低于 1\.20× 算更快/);
    await pick('threads', 'same');
    await pick('processes', 'slower');
    await p.send({ type: 'run-started', runId: 1, request: { scenario: 'gil', runtime: 'python', params: {} } });
    await p.send({ type: 'run-result', runId: 1, trace: fixtureTrace('gil') });
    await waitDrawn(p, 3);
    const zhLines = await p.page.locator('.prediction-result li').allTextContents();
    assert.match(zhLines[0], /^线程：你猜差不多——实测 0\.\d\d×，差不多 ✓ 猜对了$/);
    assert.match(zhLines[1], /^进程：你猜更慢——实测 1\.\d\d×，更快 ✗ 猜错了$/);
    await p.page.screenshot({ path: 'test-results/webview/prediction-zh-cn.png', fullPage: true });
  });

  it('predict, then run: a prediction survives the panel being torn down while its run is under way', async () => {
    const request = { scenario: 'gil', runtime: 'python', params: { threads: 2, scale: 1 } };
    const guessAndStart = async (runId: number) => {
      await p.send(init());
      await p.page.click('#clab-predict summary');
      await p.page.locator('#clab-predict-processes').evaluate((el) => ((el as HTMLElement & { value: string }).value = 'slower'));
      await p.send({ type: 'run-started', runId, request });
      const saved = await p.page.waitForFunction((id) => {
        const state = (window as unknown as { __state?: { pending?: { runId: number } } }).__state;
        return state?.pending?.runId === id && state;
      }, runId);
      const state = await saved.jsonValue();
      await p.close();
      p = await harness.open({ state });
    };
    const said = /^Processes: you said slower — measured 1\.\d\d×, faster ✗ wrong$/;
    // The start is replayed after the reload, then the result comes as usual.
    p = await harness.open();
    await guessAndStart(4);
    await p.send(init());
    await p.send({ type: 'run-started', runId: 4, request });
    await p.send({ type: 'run-result', runId: 4, trace: fixtureTrace('gil') });
    await waitDrawn(p, 3);
    assert.match((await p.page.locator('.prediction-result li').allTextContents()).join('\n'), said);
    await p.close();
    // The run ended while the panel was away: its result was queued for the panel's next `ready`.
    p = await harness.open();
    await guessAndStart(5);
    await p.send(init());
    await p.send({ type: 'run-result', runId: 5, trace: { ...fixtureTrace('gil'), startedAt: new Date().toISOString() } });
    await waitDrawn(p, 3);
    assert.match((await p.page.locator('.prediction-result li').allTextContents()).join('\n'), said);
    // Another run that was not the one predicted for gets nothing.
    await p.send({ type: 'run-started', runId: 6, request });
    await p.send({ type: 'run-result', runId: 6, trace: { ...fixtureTrace('gil'), startedAt: '2026-11-27T09:00:00.000Z' } });
    await p.page.waitForFunction(() => window.__clabTest.runs() === 2);
    await waitDrawn(p, 3);
    assert.equal(await p.page.locator('.prediction-result').count(), 0);
  });

  it('predict, then run: the race asks whether the balance comes out exact (themes and Chinese, screenshots)', async () => {
    mkdirSync('test-results/webview', { recursive: true });
    const request = { scenario: 'race', runtime: 'python', params: { threads: 16, tasks: 100, lock: 'both', scale: 1 } };
    const zh = JSON.parse(readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, string>;
    for (const theme of ['light', 'dark', 'high-contrast', 'zh-cn'] as const) {
      p = await harness.open({ theme: theme === 'zh-cn' ? 'light' : theme, height: 1100 });
      await p.send(theme === 'zh-cn' ? { ...init(), strings: zh, locale: 'zh-cn' } : init());
      await p.page.locator('#clab-scenario').evaluate((el) => {
        (el as HTMLElement & { value: string }).value = 'race';
        el.dispatchEvent(new Event('change'));
      });
      await p.page.click('#clab-predict summary');
      // The picker is filled when the details open (a toggle event): on a busy machine that is later.
      await p.page.locator('#clab-predict-no-lock vscode-option').nth(2).waitFor({ state: 'attached' });
      const options = await p.page.locator('#clab-predict-no-lock vscode-option').allTextContents();
      if (theme !== 'zh-cn') {
        assert.deepEqual(options, ['No prediction', 'exactly 100', 'less than 100']);
        assert.match((await p.page.locator('#clab-predict').textContent()) ?? '', /Will the final balance be exactly 100, or less\?/);
      }
      for (const id of ['no-lock', 'lock']) await p.page.locator(`#clab-predict-${id}`).evaluate((el) => ((el as HTMLElement & { value: string }).value = 'exact'));
      await p.page.screenshot({ path: `test-results/webview/prediction-picker-${theme}.png`, clip: { x: 0, y: 0, width: 1100, height: 260 } });
      // Started from the palette after the guesses were made: they count for it.
      await p.send({ type: 'run-started', runId: 3, request });
      await p.send({ type: 'run-result', runId: 3, trace: fixtureTrace('race') });
      await waitDrawn(p, 2);
      const lines = await p.page.locator('.prediction-result li').allTextContents();
      if (theme === 'zh-cn') {
        assert.deepEqual(lines, ['不加锁：你猜正好 100——实测 37，少于 100 ✗ 猜错了', '加锁：你猜正好 100——实测 100，正好 100 ✓ 猜对了']);
        assert.equal(await p.page.locator('.prediction-result h3').textContent(), '你的预测：2 个中猜对了 1 个');
      } else {
        assert.deepEqual(lines, ['Without a lock: you said exactly 100 — measured 37, less than 100 ✗ wrong', 'With a lock: you said exactly 100 — measured 100, exactly 100 ✓ right']);
        assert.equal(await p.page.locator('.prediction-result .hint').count(), 0, 'no speed bands for a balance');
      }
      await p.page.screenshot({ path: `test-results/webview/prediction-race-${theme}.png`, fullPage: true });
      await p.close();
    }
  });

  it('follows theme changes, localizes by English key, and shows the data as tables', async () => {
    p = await harness.open({ theme: 'dark' });
    await p.send({ ...init(), strings: { Run: '运行', 'Show tables': '显示表格' }, locale: 'zh-cn' });
    await p.send({ type: 'run-result', runId: 1, trace: fixtureTrace('gil') });
    await waitDrawn(p, 3);
    assert.equal(await p.page.locator('#clab-run').textContent(), '运行');
    const swatch = () =>
      p.page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('.legend canvas')!;
        return [...canvas.getContext('2d')!.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data].join(',');
      });
    const dark = await swatch();
    const draws = (await p.page.evaluate(() => window.__clabTest.variants()))[0].draws;
    await p.page.evaluate(() => document.body.classList.replace('vscode-dark', 'vscode-light'));
    await p.page.waitForFunction((d) => window.__clabTest.variants()[0].draws > d, draws);
    assert.notEqual(await swatch(), dark, 'the running swatch took the light theme colour');
    const tables = p.page.locator('section.tables');
    assert.equal(await tables.evaluate((e) => e.classList.contains('sr-only')), true, 'tables present for screen readers');
    await p.page.click('#clab-tables');
    assert.equal(await tables.evaluate((e) => e.classList.contains('sr-only')), false);
    const rows = await tables.locator('table').evaluateAll((ts) => ts.map((t) => t.querySelectorAll('tbody tr').length));
    assert.deepEqual(rows, [1, 3, 3]);
    assert.match((await tables.locator('tbody tr').nth(1).textContent()) ?? '', /MainThread/);
  });

  it('draws every state distinctly in light, dark and high-contrast themes (screenshots)', async () => {
    mkdirSync('test-results/webview', { recursive: true });
    for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
      p = await harness.open({ theme, height: 1300 });
      await showRun(p, fixtureTrace('all-states'));
      // Every legend swatch differs from every other in its pixels (fill, pattern or height).
      const swatches = await p.page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLCanvasElement>('.legend canvas'), (c) => {
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let h = 0;
          for (let i = 0; i < data.length; i++) h = (h * 31 + data[i]) >>> 0;
          return h;
        }),
      );
      assert.equal(new Set(swatches).size, swatches.length, `${theme}: ${swatches.length} distinct swatches`);
      await p.page.screenshot({ path: `test-results/webview/states-${theme}.png`, fullPage: true });
      await p.close();
    }
  });

  it('renders readably in light, dark and high-contrast themes (screenshots)', async () => {
    mkdirSync('test-results/webview', { recursive: true });
    for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
      p = await harness.open({ theme, height: 1500 });
      await showRun(p, fixtureTrace(theme === 'light' ? 'gil' : theme === 'dark' ? 'race' : 'daemon'));
      const at = await p.page.evaluate(() => window.__clabTest.pointOf(1, 1, 'running'));
      if (at) await p.page.mouse.move(at.x, at.y);
      await p.page.screenshot({ path: `test-results/webview/panel-${theme}.png`, fullPage: true });
      const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${theme}: no horizontal scroll with the tooltip shown (overflow ${overflow}px)`);
      const fg = await p.page.evaluate(() => getComputedStyle(document.body).color);
      assert.notEqual(fg, 'rgba(0, 0, 0, 0)');
      await p.close();
    }
    // Chinese: the extension's zh-cn bundle when it exists, else a few keys, to see CJK text fit.
    const bundle = 'l10n/bundle.l10n.zh-cn.json';
    const zh = existsSync(bundle)
      ? (JSON.parse(readFileSync(bundle, 'utf8')) as Record<string, string>)
      : { Run: '运行', Cancel: '取消', Scenario: '场景', Runtime: '运行环境', 'Wall time per variant, and where it went': '各变体的实际耗时，以及时间花在了哪里', Running: '运行中' };
    p = await harness.open({ theme: 'light', height: 1200 });
    await p.send({ ...init(), strings: zh, locale: 'zh-cn' });
    await p.send({ type: 'run-result', runId: 1, trace: fixtureTrace('download') });
    await waitDrawn(p, 3);
    await p.page.screenshot({ path: 'test-results/webview/panel-zh-cn.png', fullPage: true });
    assert.equal(await p.page.evaluate(() => document.documentElement.lang), 'zh-cn');
    await p.close();
    // A narrow editor column: controls wrap, charts shrink, nothing overflows sideways.
    p = await harness.open({ theme: 'dark', width: 560, height: 1400 });
    await showRun(p, fixtureTrace('pool'));
    await p.page.screenshot({ path: 'test-results/webview/panel-narrow.png', fullPage: true });
    const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scroll (overflow ${overflow}px)`);
  });
});
