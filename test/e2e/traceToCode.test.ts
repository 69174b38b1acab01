/**
 * Issue 13's "done when", in a real editor: plain programs nobody annotated — the lesson's race
 * program as shipped, and a deadlock of two locks taken in opposite order — traced from the editor
 * title's run menu with a 5 s timeout, then read and clicked with the real pointer:
 * - the output lines with their times; a click on one puts the timeline's cursor at its time;
 * - a lock wait's hover names the lock and the line, and the output dims what came after it;
 * - a click on the span, or on a stuck thread's frame, lands the editor beside on that line;
 * - the timed-out deadlock shows both stuck threads' stacks (the program's frames as links, the
 *   interpreter's as text) and draws the cycle.
 * In light, dark and high contrast, and in Chinese (the learner's Chinese copy of the race).
 * Screenshots in test-results/e2e/: trace-race-*.png (hover, cursor, output), trace-race-code-*.png
 * (the editor on the span's line), trace-deadlock-*.png (stacks and cycle).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { CodeServer, ThemeName } from '../../scripts/e2e/codeServer';
import { REPO, RESULTS } from '../../scripts/e2e/paths';
import { runCommand } from '../../scripts/e2e/workbench';
import { runMark, waitForRun } from './support/demoPanel';
import { openWorkspaceFile, pickFromRunMenu, waitForOutput } from './support/editorRun';
import {
  clickOutputLine,
  clickSpan,
  findSpan,
  hoverSpan,
  outputHover,
  outputRows,
  readStuck,
  timelineCursor,
  waitForEditorAt,
} from './support/programPanel';
import { useSession } from './support/session';

const EXTENSION_ID = 'concurrency-lab.concurrency-lab';
const RACE = 'race.py';
const DEADLOCK = 'deadlock_two_locks.py';
const DEADLOCK_SOURCE = readFileSync(join(REPO, 'test/fixtures/programs/python', DEADLOCK), 'utf8');

/** 1-based line of the first line of `source` containing `text`. */
function lineOf(source: string, text: string): number {
  const index = source.split('\n').findIndex((l) => l.includes(text));
  assert.ok(index >= 0, `no line containing ${text}`);
  return index + 1;
}

/** 1-based line of the first line containing `text` after the line containing `after`. */
function lineAfter(source: string, after: string, text: string): number {
  const from = lineOf(source, after);
  const index = source.split('\n').findIndex((l, i) => i >= from && l.includes(text));
  assert.ok(index >= 0, `no line containing ${text} after ${after}`);
  return index + 1;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A duration as the panel formats it ("312 ms", "1,054 ms"). */
const DURATION = '[\\d.,\\u202f\\u00a0 ]+ ms';

/** What differs between the languages: the program the learner has, and the panel's sentences. */
interface Language {
  slug: string;
  locale?: 'zh-cn';
  menu: string;
  raceSource: string;
  /** The output lines of the race, in order (the balance without a lock varies). */
  raceLines: RegExp[];
  /** The line whose time the test puts the cursor on: the balance with the lock, printed last but one. */
  lockedBalance: string;
  /** A lock wait's sentence: `who` waited for `lock` held by a lane matching `holder` (a pattern), at `where`. */
  lockWait(who: string, lock: string, holder: string, where: string): RegExp;
  clickToOpen(where: string): string;
  deadlock(a: string, b: string): string;
  waitsFor(lock: string, holder: string): string;
  diagramLabel(lock: string): string;
  stuckHeading: string;
  stopped: RegExp;
}

const ENGLISH: Language = {
  slug: 'en',
  menu: 'Trace This Program',
  raceSource: readFileSync(join(REPO, 'media/programs/python', RACE), 'utf8'),
  raceLines: [/^== Without a lock ==$/, /^Balance: \d+ \(expected 100\)$/, /^Time: [\d.]+ s$/, /^== With a lock ==$/, /^Balance: 100 \(expected 100\)$/, /^Time: [\d.]+ s$/],
  lockedBalance: 'Balance: 100 (expected 100)',
  lockWait: (who, lock, holder, where) => new RegExp(`^${esc(who)} waited ${DURATION} for ${esc(lock)}, held by ${holder} — ${esc(where)}$`, 'm'),
  clickToOpen: (where) => `Click to open ${where} beside the panel.`,
  deadlock: (a, b) => `Deadlock: ${a} → ${b} → ${a}`,
  waitsFor: (lock, holder) => `waits for ${lock}, held by ${holder}`,
  diagramLabel: (lock) => `waits for ${lock}`,
  stuckHeading: 'Where the threads were stuck when the run was stopped',
  stopped: /stopped by signal SIG[A-Z]+/,
};

const CHINESE: Language = {
  slug: 'zh-cn',
  locale: 'zh-cn',
  menu: '跟踪此程序',
  // The copy a Chinese learner gets (Open Demo Program in Chinese): same code, Chinese output.
  raceSource: readFileSync(join(REPO, 'media/programs/python/zh-cn', RACE), 'utf8'),
  raceLines: [/^== 不加锁 ==$/, /^余额：\d+（应为 100）$/, /^耗时：[\d.]+ 秒$/, /^== 加锁 ==$/, /^余额：100（应为 100）$/, /^耗时：[\d.]+ 秒$/],
  lockedBalance: '余额：100（应为 100）',
  lockWait: (who, lock, holder, where) => new RegExp(`^${esc(who)} 等待 ${holder} 持有的 ${esc(lock)}，耗时 ${DURATION} — ${esc(where)}$`, 'm'),
  clickToOpen: (where) => `点击可在面板旁打开 ${where}。`,
  deadlock: (a, b) => `死锁：${a} → ${b} → ${a}`,
  waitsFor: (lock, holder) => `等待 ${lock}，它被 ${holder} 持有`,
  diagramLabel: (lock) => `等待 ${lock}`,
  stuckHeading: '运行被停止时，各线程卡在哪里',
  stopped: /被信号 SIG[A-Z]+ 终止/,
};

const CASES: [ThemeName, string, Language][] = [
  ['Default Light Modern', 'light', ENGLISH],
  ['Default Dark Modern', 'dark', ENGLISH],
  ['Default High Contrast', 'high-contrast', ENGLISH],
  ['Default Light Modern', 'zh-cn', CHINESE],
];

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, name) });
}

/** Traces the open editor's program from the run menu and waits for the panel to draw it. */
async function traceFromRunMenu(page: Page, server: CodeServer, lang: Language): Promise<Frame> {
  const mark = runMark(server);
  await pickFromRunMenu(page, lang.menu);
  const frame = await waitForRun(page, server, mark, ['program']);
  // Here the run menu stays open over the panel after its entry was picked, and would take the next
  // click. Keys go to the panel, which has the focus; a click anywhere closes the menu (its block
  // covers the window and takes the click itself).
  const menu = page.locator('.context-view .monaco-menu');
  if (await menu.isVisible().catch(() => false)) {
    await page.mouse.click(2, (page.viewportSize()?.height ?? 600) / 2);
    await menu.waitFor({ state: 'hidden', timeout: 5_000 });
  }
  return frame;
}

for (const [theme, slug, lang] of CASES) {
  describe(`Trace This Program: timeline, output and code (${slug})`, function () {
    this.timeout(300_000);
    const session = useSession({
      theme,
      ...(lang.locale ? { locale: lang.locale } : {}),
      // The shortest timeout the setting allows: the deadlock is stopped after 5 s.
      settings: { 'concurrencyLab.timeoutSeconds': 5 },
      workspaceFiles: { [`programs/${RACE}`]: lang.raceSource, [`programs/${DEADLOCK}`]: DEADLOCK_SOURCE },
    });
    const lockLine = lineOf(lang.raceSource, 'self.lock = Lock()');
    const withLine = lineOf(lang.raceSource, 'with self.lock:');

    it(`the lesson's race: output with times, a line sets the cursor, a lock wait's hover names lock and line, a click lands on it (trace-race-${slug}.png)`, async () => {
      const { page, server } = session();
      await runCommand(page, 'View: Close Primary Side Bar', 5_000).catch(() => undefined);
      await openWorkspaceFile(page, RACE);
      const frame = await traceFromRunMenu(page, server, lang);
      const view = await waitForOutput(frame, new RegExp(`^${esc(lang.lockedBalance)}$`, 'm'));
      assert.ok(view.lanes.includes('MainThread'), `a MainThread lane: ${view.lanes.join(', ')}`);
      assert.ok(view.lanes.some((l) => /^ThreadPoolExecutor-1_\d+$/.test(l)), `the locked pool's lanes: ${view.lanes.join(', ')}`);

      // Every output line is in view with the time it was printed at, in order.
      const rows = await outputRows(frame);
      assert.equal(rows.length, lang.raceLines.length, `rows: ${JSON.stringify(rows.map((r) => r.text))}`);
      rows.forEach((row, i) => {
        assert.match(row.text, lang.raceLines[i]);
        assert.match(row.shownTime, new RegExp(`^${DURATION}$`), `line ${i} shows its time: ${JSON.stringify(row)}`);
        assert.ok(row.inView, `line ${i} is in view: ${JSON.stringify(row)}`);
      });
      const times = rows.map((r) => Number(r.shownTime.replace(/[^\d.]/g, '')));
      assert.deepEqual([...times].sort((a, b) => a - b), times, `times in order: ${rows.map((r) => r.shownTime).join(', ')}`);

      // A click on the locked balance's line puts the timeline's cursor at its time.
      await clickOutputLine(frame, lang.lockedBalance);
      const balance = rows.findIndex((r) => r.text === lang.lockedBalance);
      const cursor = await timelineCursor(frame);
      assert.ok(cursor.shown && cursor.ms !== null, `the cursor is drawn: ${JSON.stringify(cursor)}`);
      assert.equal(cursor.label, rows[balance].shownTime, 'the cursor is labelled with the line\'s time');
      assert.ok(cursor.expectedX !== null && Math.abs(cursor.x - cursor.expectedX) <= 2, `the cursor is at the line's time on the axis: ${JSON.stringify(cursor)}`);
      assert.ok((await outputRows(frame)).find((r) => r.index === balance)?.active, 'the clicked line is marked as picked');

      // Hovering a lock wait of the locked pool: the lock by kind and line, its holder, the line it waited at.
      const span = await findSpan(frame, 'lock-wait', /^ThreadPoolExecutor-1_/);
      const tooltip = await hoverSpan(frame, span);
      const where = `${RACE}:${withLine}`;
      assert.match(tooltip, lang.lockWait(span.lane, `Lock (${RACE}:${lockLine})`, 'ThreadPoolExecutor-1_\\d+', where));
      assert.ok(tooltip.includes(lang.clickToOpen(where)), `the hover says a click opens ${where}: ${tooltip}`);
      // The output follows the pointer: what was printed after that moment is dimmed, the rest not.
      const hover = await outputHover(frame);
      assert.ok(hover.upTo !== null && hover.upTo > 3 && hover.upTo <= balance, `lines up to the hovered lock wait: ${JSON.stringify(hover)}`);
      assert.deepEqual(hover.later, hover.rows.filter((i) => i >= (hover.upTo ?? 0)), 'exactly the later lines are dimmed');
      await screenshot(page, `trace-race-${slug}.png`);

      // A click on the span opens the program beside the panel, on the line it waited at.
      const opened = server.extensionLog(EXTENSION_ID).split('\n').filter((l) => / from the panel$/.test(l)).length;
      await clickSpan(frame, span);
      const editor = await waitForEditorAt(page, RACE, withLine);
      assert.deepEqual(editor, { file: RACE, line: withLine }, 'the editor shows the span\'s line');
      const log = server.extensionLog(EXTENSION_ID).split('\n').filter((l) => / from the panel$/.test(l));
      assert.equal(log.length, opened + 1, 'one open asked for');
      assert.match(log[log.length - 1], new RegExp(`opening .*programs/${esc(RACE)}:${withLine} from the panel$`));
      assert.equal((await page.locator('.editor-group-container.active .line-numbers.active-line-number').first().innerText()).trim(), String(withLine), 'the line is on screen, the cursor on it');
      await page.waitForTimeout(500);
      await screenshot(page, `trace-race-code-${slug}.png`);
    });

    it(`a two-lock deadlock stopped by the 5 s timeout: both stacks as links, the cycle drawn, a frame opens its line (trace-deadlock-${slug}.png)`, async () => {
      const { page, server } = session();
      await runCommand(page, 'View: Close Primary Side Bar', 5_000).catch(() => undefined);
      await openWorkspaceFile(page, DEADLOCK);
      const frame = await traceFromRunMenu(page, server, lang);
      const trace = server.extensionLog(EXTENSION_ID).split('\n').filter((l) => l.includes(`trace `) && l.includes(DEADLOCK) && l.includes(' timeout ')).pop() ?? '';
      assert.match(trace, /timeout 5000 ms/, 'the setting\'s timeout is the run\'s');
      const locks = { accounts: `Lock (${DEADLOCK}:${lineOf(DEADLOCK_SOURCE, 'accounts_lock =')})`, ledger: `Lock (${DEADLOCK}:${lineOf(DEADLOCK_SOURCE, 'ledger_lock =')})` };
      // Each thread is stuck at its second `with`: pay's on the ledger lock, audit's on the accounts lock.
      const stuckAt = { pay: lineAfter(DEADLOCK_SOURCE, 'def pay', 'with ledger_lock:'), audit: lineAfter(DEADLOCK_SOURCE, 'def audit', 'with accounts_lock:') };

      // What each thread printed before it got stuck.
      const printed = (await outputRows(frame)).map((r) => r.text);
      assert.deepEqual(printed, ['pay: holding the accounts lock', 'audit: holding the ledger lock']);
      assert.match(await frame.locator('.variant h4').first().innerText(), lang.stopped, 'the heading says the program was stopped');

      // The lock wait that never ended, in words.
      const span = await findSpan(frame, 'lock-wait', /\(pay\)$/);
      const tooltip = await hoverSpan(frame, span);
      const payLane = span.lane;
      assert.match(tooltip, lang.lockWait(payLane, locks.ledger, esc('Thread-2 (audit)'), `${DEADLOCK}:${stuckAt.pay}`));

      // Both stuck threads: where each waits, for which lock, held by whom; the whole stack.
      const stuck = await readStuck(frame);
      // The screenshot first: it is worth looking at even when an assertion below fails.
      await frame.evaluate(() => document.querySelector('.stuck')?.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(300);
      await screenshot(page, `trace-deadlock-${slug}.png`);
      assert.equal(stuck.heading, lang.stuckHeading);
      const cycled = stuck.threads.filter((t) => t.inCycle);
      assert.deepEqual(cycled.map((t) => t.lane).sort(), ['Thread-1 (pay)', 'Thread-2 (audit)'], JSON.stringify(stuck.threads.map((t) => t.lane)));
      const [first, second] = cycled.map((t) => t.lane);
      assert.equal(stuck.cycle, lang.deadlock(first, second));
      for (const [name, lock, holder, line] of [
        ['pay', locks.ledger, 'Thread-2 (audit)', stuckAt.pay],
        ['audit', locks.accounts, 'Thread-1 (pay)', stuckAt.audit],
      ] as const) {
        const th = cycled.find((t) => t.lane.endsWith(`(${name})`));
        assert.ok(th);
        assert.ok(th.line.includes(lang.waitsFor(lock, holder)), `${name} waits for ${lock} held by ${holder}: ${th.line}`);
        assert.equal(th.links.length, 1, `${name}'s place is a link: ${th.line}`);
        assert.ok(th.links[0].endsWith(`${DEADLOCK}:${line}`), `${name} is stuck at line ${line}: ${th.links[0]}`);
        assert.ok(th.stack.length >= 2, `${name}'s stack: ${JSON.stringify(th.stack)}`);
        for (const f of th.stack) {
          // The program's frames are links; the interpreter's own (threading.py) are text.
          assert.equal(f.link, f.text.includes(DEADLOCK), `${name}'s frame ${f.text}`);
        }
        assert.ok(th.stack.some((f) => f.link && f.text.includes(`${DEADLOCK}:${line} ${name}`)), `${name}'s innermost frame: ${JSON.stringify(th.stack)}`);
      }

      // The cycle, drawn: the two threads, an arrow each way, each labelled with the lock it waits for.
      assert.ok(stuck.diagram, 'a cycle diagram');
      assert.deepEqual([...stuck.diagram.nodes].sort(), ['Thread-1 (pay)', 'Thread-2 (audit)']);
      assert.equal(stuck.diagram.arrows, 2);
      assert.deepEqual([...stuck.diagram.labels].sort(), [lang.diagramLabel(locks.accounts), lang.diagramLabel(locks.ledger)].sort(), 'each arrow names its lock');
      assert.ok(stuck.diagram.width > 100 && stuck.diagram.height > 30, `drawn at a readable size: ${stuck.diagram.width}×${stuck.diagram.height}`);

      // audit's frame link lands the editor on audit's stuck line.
      await frame.locator('.stuck li.in-cycle', { has: frame.locator('.lane-name', { hasText: '(audit)' }) }).locator('.stuck-line .source-link').first().click();
      const editor = await waitForEditorAt(page, DEADLOCK, stuckAt.audit);
      assert.deepEqual(editor, { file: DEADLOCK, line: stuckAt.audit }, 'the editor shows the frame\'s line');
    });
  });
}
