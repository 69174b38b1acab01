/**
 * The scheduler panel in Chromium, driven by the real Python driver: the test plays the extension's
 * part (relays the page's messages to a SchedulerSession and back), then solves level 1 by clicking
 * Step buttons and by keys, as a learner would, and checks what the panel says; screenshots in
 * light, dark and high contrast, and in Chinese.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { findPython } from '../../src/engine/python/findPython';
import { runSchedules, SchedulerSession } from '../../src/engine/scheduler';
import { findLevel } from '../../src/shared/scheduler';
import { parseFromSchedulerView, type ToSchedulerView } from '../../src/shared/schedulerProtocol';
import { PanelHarness, type PanelPage, type ThemeName } from './page';

const root = findPackageRoot(__dirname)!;
const SHOTS = join(root, 'test-results', 'webview');

/** Plays the extension: answers `ready`, runs `start` with the real driver, forwards `step`. */
async function relay(panel: PanelPage, python: string, strings: Record<string, string>, locale: string): Promise<() => Promise<void>> {
  let session: SchedulerSession | undefined;
  let run = 0;
  const send = (m: ToSchedulerView) => void panel.send(m);
  const handle = async (raw: unknown): Promise<void> => {
    const parsed = parseFromSchedulerView(raw);
    assert.ok(parsed.ok, `the panel posted a malformed message: ${JSON.stringify(raw)}`);
    const m = parsed.value;
    if (m.type === 'ready') send({ type: 'init', strings, locale, level: 'lost-update' });
    else if (m.type === 'start') {
      await session?.stop();
      const level = findLevel(m.level)!;
      const file = join(root, 'media', 'programs', 'python', 'levels', level.file);
      const mine = ++run;
      session = new SchedulerSession({ python, program: file, extensionRoot: root, bytecode: m.bytecode, schedule: m.schedule });
      session.onMessage((d) => {
        if (d.type === 'state') send({ type: 'state', run: mine, state: d });
        else if (d.type === 'end') send({ type: 'end', run: mine, end: d });
      });
      send({ type: 'started', run: mine, level: level.id, bytecode: m.bytecode, file, hello: await session.hello });
    } else if (m.type === 'step' && m.run === run) session?.step(m.thread);
    else if (m.type === 'batch') {
      const level = findLevel(m.level)!;
      const program = join(root, 'media', 'programs', 'python', 'levels', level.file);
      const summary = await runSchedules({ python, program, extensionRoot: root, bytecode: m.bytecode, ...(m.mode === 'random' ? { random: { runs: m.runs ?? 1000, seed: 3 } } : { exhaustive: {} }) });
      send({ type: 'summary', level: level.id, summary });
    }
  };
  await panel.page.exposeFunction('__relay', (m: unknown) => void handle(m));
  await panel.page.evaluate(() => {
    const w = window as unknown as { __posted: unknown[]; __relay: (m: unknown) => void };
    w.__posted.forEach((m) => w.__relay(m));
    const push = w.__posted.push.bind(w.__posted);
    w.__posted.push = (...items: unknown[]) => (items.forEach((m) => w.__relay(m)), push(...items));
  });
  return async () => {
    await session?.stop();
  };
}

const threadLine = (panel: PanelPage, prefix: string) =>
  panel.page.evaluate((p) => {
    const card = Array.from(document.querySelectorAll<HTMLElement>('.thread-card')).find((c) => (c.dataset.thread ?? '').startsWith(p));
    return card ? card.querySelector('.thread-state')?.textContent ?? '' : undefined;
  }, prefix);

async function clickStep(panel: PanelPage, prefix: string): Promise<void> {
  const before = await panel.page.evaluate(() => document.querySelectorAll('#sched-log li').length);
  await panel.page.locator(`button.step[data-thread^="${prefix}"]`).click();
  await panel.page.waitForFunction((n) => document.querySelectorAll('#sched-log li').length > n, before);
}

/** Level 1 by clicks: Thread-1 reads, the main thread starts Thread-2, Thread-2 reads, then each writes. */
async function solveLevel1(panel: PanelPage, readLine: number): Promise<void> {
  await panel.page.waitForSelector('button.step[data-thread^="Thread-1"]:not([disabled])');
  await clickStep(panel, 'Thread-1'); // reads the balance
  while ((await threadLine(panel, 'Thread-2')) === undefined) await clickStep(panel, 'MainThread');
  for (let guard = 0; guard < 5 && (await threadLine(panel, 'Thread-2'))?.includes(String(readLine)) !== true; guard++) await clickStep(panel, 'MainThread');
  await clickStep(panel, 'Thread-2'); // reads the same balance
  for (let guard = 0; guard < 40; guard++) {
    if (await panel.page.$('#sched-result')) return;
    const next = (await panel.page.$('button.step[data-thread^="Thread-1"]:not([disabled])')) ? 'Thread-1' : (await panel.page.$('button.step[data-thread^="Thread-2"]:not([disabled])')) ? 'Thread-2' : 'MainThread';
    await clickStep(panel, next);
  }
}

describe('scheduler panel (Chromium, real Python driver)', function () {
  this.timeout(240_000);
  const harness = new PanelHarness('schedulerView');
  let python = '';
  const file = join(root, 'media', 'programs', 'python', 'levels', 'race_two_deposits.py');
  const readLine = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('new_balance = self.balance')) + 1;

  before(async function () {
    try {
      python = (await findPython()).executable;
    } catch {
      this.skip();
    }
    mkdirSync(SHOTS, { recursive: true });
    await harness.start();
  });
  after(() => harness.stop());

  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
    it(`level 1 solved by clicks: the balance ends wrong and the lost deposit is named (${theme}, screenshot)`, async () => {
      const panel = await harness.open({ theme, width: 1200, height: 1000 });
      const stop = await relay(panel, python, {}, 'en');
      try {
        await solveLevel1(panel, readLine);
        await panel.page.waitForSelector('#sched-result');
        assert.match((await panel.page.textContent('#sched-result')) ?? '', /Goal reached/);
        assert.match((await panel.page.textContent('#sched-status')) ?? '', /wrong result: account\.balance = 100/);
        const lost = (await panel.page.textContent('#sched-lost')) ?? '';
        assert.match(lost, /Thread-2 \(deposit\) wrote account\.balance = 100, computed from the 0 it read at step \d+\. The value 100 written by Thread-1 \(deposit\)/);
        assert.match((await panel.page.textContent('#sched-schedule')) ?? '', /Your schedule: Thread-1 \(deposit\), MainThread/);
        assert.equal(await panel.page.isDisabled('#sched-replay'), false, 'the found schedule can be replayed');
        await panel.page.screenshot({ path: join(SHOTS, `scheduler-level1-${theme}.png`), fullPage: true });
        assert.deepEqual(panel.errors(), []);
      } finally {
        await stop();
        await panel.close();
      }
    });
  }

  it('steps by keys, shows each thread at its next line, and replays the found schedule to the same end', async () => {
    const panel = await harness.open({ theme: 'dark' });
    const stop = await relay(panel, python, {}, 'en');
    try {
      await panel.page.waitForSelector('button.step[data-thread^="Thread-1"]:not([disabled])');
      assert.ok(await panel.page.$(`#sched-code li:nth-child(${readLine}) .badge`), 'the code marks the line a thread runs next');
      const cards = await panel.page.$$eval('.thread-card', (cs) => cs.map((c) => (c as HTMLElement).dataset.thread));
      const t1 = cards.findIndex((n) => n?.startsWith('Thread-1')) + 1;
      const before = await panel.page.evaluate(() => document.querySelectorAll('#sched-log li').length);
      await panel.page.keyboard.press(String(t1));
      await panel.page.waitForFunction((n) => document.querySelectorAll('#sched-log li').length > n, before);
      assert.match((await panel.page.textContent('#sched-status')) ?? '', /Thread-1 \(deposit\) ran line \d+ — read account\.balance = 0/);
      assert.equal(await panel.page.getAttribute('#sched-status', 'aria-live'), 'polite', 'each step is announced');
      await panel.page.screenshot({ path: join(SHOTS, 'scheduler-midrun-dark.png'), fullPage: true });
      await solveLevel1(panel, readLine);
      await panel.page.waitForSelector('#sched-result');
      const firstEnd = await panel.page.textContent('#sched-status');
      const firstLog = await panel.page.$$eval('#sched-log > ol > li', (ls) => ls.map((l) => l.textContent));
      await panel.page.click('#sched-replay');
      await panel.page.waitForFunction(() => document.querySelector('#sched-result') && document.querySelectorAll('#sched-log li').length > 0);
      await panel.page.waitForFunction((n) => document.querySelectorAll('#sched-log li').length >= n, firstLog.length);
      assert.equal(await panel.page.textContent('#sched-status'), firstEnd);
      assert.deepEqual(await panel.page.$$eval('#sched-log > ol > li', (ls) => ls.map((l) => l.textContent)), firstLog, 'a replay takes the same steps');
    } finally {
      await stop();
      await panel.close();
    }
  });

  it('random schedules x 1,000: counts both outcomes, and one that ended wrong replays to a wrong end', async () => {
    const panel = await harness.open({ theme: 'dark' });
    const stop = await relay(panel, python, {}, 'en');
    try {
      await panel.page.waitForSelector('button.step:not([disabled])');
      await panel.page.click('#sched-random');
      await panel.page.waitForSelector('#sched-summary', { timeout: 120_000 });
      const text = (await panel.page.textContent('#sched-summary')) ?? '';
      const wrong = Number(/([\d,]+) ended wrong/.exec(text)?.[1].replace(/,/g, ''));
      const right = Number(/([\d,]+) ended right/.exec(text)?.[1].replace(/,/g, ''));
      assert.ok(wrong > 0 && right > 0 && wrong + right === 1000, text);
      await panel.page.click('#sched-replay-wrong');
      await panel.page.waitForSelector('#sched-result', { timeout: 30_000 });
      assert.match((await panel.page.textContent('#sched-status')) ?? '', /wrong result/);
    } finally {
      await stop();
      await panel.close();
    }
  });

  it('level 4 driven into a deadlock: both threads blocked, the cycle named and drawn (high contrast, screenshot)', async () => {
    const panel = await harness.open({ theme: 'high-contrast', width: 1200, height: 1000 });
    const stop = await relay(panel, python, {}, 'en');
    try {
      await panel.page.waitForSelector('button.step:not([disabled])');
      await panel.page.selectOption('#sched-level', 'two-locks');
      await panel.page.waitForSelector('button.step[data-thread^="Thread-1"]:not([disabled])');
      const next = async (prefix: string) => (await panel.page.$eval(`.thread-card[data-thread^="${prefix}"] .next-line`, (e) => e.textContent ?? '').catch(() => '')).trim();
      await clickStep(panel, 'Thread-1'); // takes lock_a
      assert.equal(await next('Thread-1'), 'with lock_b:');
      for (let i = 0; i < 10 && (await next('Thread-2')) !== 'with lock_b:'; i++) await clickStep(panel, 'MainThread');
      await clickStep(panel, 'Thread-2'); // takes lock_b
      await clickStep(panel, 'Thread-1'); // waits for lock_b
      assert.match((await threadLine(panel, 'Thread-1')) ?? '', /blocked: waits for lock_b, held by Thread-2/);
      await clickStep(panel, 'Thread-2'); // waits for lock_a
      assert.match((await threadLine(panel, 'Thread-2')) ?? '', /blocked: waits for lock_a, held by Thread-1/);
      // The main thread goes on to join them; then nobody can move.
      for (let i = 0; i < 10 && !(await panel.page.$('#sched-result')); i++) await clickStep(panel, 'MainThread');
      await panel.page.waitForSelector('#sched-result');
      assert.match((await panel.page.textContent('#sched-result')) ?? '', /Goal reached/);
      assert.match((await panel.page.textContent('#sched-status')) ?? '', /Deadlock: Thread-\d \(first_\w+\) → Thread-\d \(first_\w+\) → Thread-\d/);
      assert.equal(await panel.page.locator('svg.cycle-diagram .cycle-arrow').count(), 2, 'two arrows: each thread waits for the other');
      assert.equal(await panel.page.locator('button.step:not([disabled])').count(), 0, 'no thread can be chosen');
      await panel.page.screenshot({ path: join(SHOTS, 'scheduler-deadlock-high-contrast.png'), fullPage: true });
    } finally {
      await stop();
      await panel.close();
    }
  });

  it('level 1 in Chinese (screenshot)', async () => {
    const zh = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const panel = await harness.open({ theme: 'light', width: 1200, height: 1000 });
    const stop = await relay(panel, python, zh, 'zh-cn');
    try {
      await solveLevel1(panel, readLine);
      await panel.page.waitForSelector('#sched-result');
      assert.match((await panel.page.textContent('#sched-result')) ?? '', /目标达成/);
      assert.match((await panel.page.textContent('#sched-lost')) ?? '', /被覆盖了：那次更新丢失了/);
      assert.match((await panel.page.textContent('h1')) ?? '', /当一回调度器/);
      await panel.page.screenshot({ path: join(SHOTS, 'scheduler-level1-zh.png'), fullPage: true });
    } finally {
      await stop();
      await panel.close();
    }
  });
});
