/**
 * Be the Scheduler in a real editor: the race walkthrough's scheduler step opens level 1 from its
 * link; the learner solves it by clicking Step buttons (both threads read the balance before either
 * writes) and the panel shows the wrong balance and names the lost deposit — in English and Chinese,
 * with screenshots. The walkthrough step is ticked when the goal is reached.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { RESULTS } from '../../scripts/e2e/paths';
import { openWalkthrough, waitForFrame } from '../../scripts/e2e/workbench';
import { readWalkthroughs, type Language } from './support/manifest';
import { useSession } from './support/session';
import { clickStepLink, selectStep } from './support/walkthroughUi';

const TEXTS: Record<Language, { link: string; reached: RegExp; wrong: RegExp; lost: RegExp }> = {
  en: { link: 'Level 1: lose a deposit', reached: /Goal reached/, wrong: /wrong result: account\.balance = 100/, lost: /Thread-2 \(deposit\) wrote account\.balance = 100, computed from the 0/ },
  'zh-cn': { link: '第 1 关：弄丢一笔存款', reached: /目标达成/, wrong: /以错误的结果结束：account\.balance = 100/, lost: /Thread-2 \(deposit\) 写入 account\.balance = 100/ },
};

async function logLength(frame: Frame): Promise<number> {
  return frame.evaluate(() => document.querySelectorAll('#sched-log li').length);
}

async function step(frame: Frame, prefix: string): Promise<void> {
  const before = await logLength(frame);
  await frame.locator(`button.step[data-thread^="${prefix}"]`).click();
  await frame.waitForFunction((n) => document.querySelectorAll('#sched-log li').length > n, before, { timeout: 15_000 });
}

const threadState = (frame: Frame, prefix: string) =>
  frame.evaluate((p) => {
    const card = Array.from(document.querySelectorAll<HTMLElement>('.thread-card')).find((c) => (c.dataset.thread ?? '').startsWith(p));
    return card ? { line: card.querySelector('.next-line')?.textContent ?? '', state: card.querySelector('.thread-state')?.textContent ?? '' } : undefined;
  }, prefix);

/** Thread-1 reads; the main thread starts Thread-2; Thread-2 reads; then each thread writes. */
async function solveLevel1(frame: Frame): Promise<void> {
  await frame.waitForSelector('button.step[data-thread^="Thread-1"]:not([disabled])', { timeout: 30_000 });
  await step(frame, 'Thread-1');
  for (let i = 0; i < 10 && !(await threadState(frame, 'Thread-2'))?.line.includes('new_balance = self.balance'); i++) await step(frame, 'MainThread');
  await step(frame, 'Thread-2');
  for (let i = 0; i < 40 && !(await frame.$('#sched-result')); i++) {
    const next = (await frame.$('button.step[data-thread^="Thread-1"]:not([disabled])')) ? 'Thread-1' : (await frame.$('button.step[data-thread^="Thread-2"]:not([disabled])')) ? 'Thread-2' : 'MainThread';
    await step(frame, next);
  }
}

async function stepIsTicked(page: Page, title: string): Promise<boolean> {
  const step = page.locator('.gettingStartedSlideDetails .getting-started-step').filter({ has: page.locator('.step-title', { hasText: title }) }).first();
  return step.evaluate((el) => el.classList.contains('complete') || !!el.querySelector('.codicon-pass-filled, .codicon-getting-started-step-checked'));
}

for (const language of ['en', 'zh-cn'] as Language[]) {
  describe(`Be the Scheduler (${language})`, function () {
    this.timeout(240_000);
    const session = useSession(language === 'en' ? {} : { locale: 'zh-cn' });
    const race = readWalkthroughs(language).find((w) => w.id === 'race-conditions')!;
    const stepTitle = race.steps.find((s) => s.id === 'race-conditions.scheduler')!.title;

    it('opens level 1 from the race walkthrough, is solved by clicks, and ticks its step', async () => {
      const { page } = session();
      const texts = TEXTS[language];
      await openWalkthrough(page, race.title);
      await selectStep(page, stepTitle);
      assert.equal(await stepIsTicked(page, stepTitle), false, 'not ticked before the goal');
      await clickStepLink(page, stepTitle, texts.link);
      const frame = await waitForFrame(page, "!!document.querySelector('#sched-threads')", 60_000);
      await solveLevel1(frame);
      await frame.waitForSelector('#sched-result', { timeout: 30_000 });
      assert.match((await frame.textContent('#sched-result')) ?? '', texts.reached);
      assert.match((await frame.textContent('#sched-status')) ?? '', texts.wrong);
      assert.match((await frame.textContent('#sched-lost')) ?? '', texts.lost);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, `scheduler-${language}.png`) });
      // The goal ticks the walkthrough's step (its own context key).
      await openWalkthrough(page, race.title);
      await selectStep(page, stepTitle);
      await page.waitForFunction(
        (title) => Array.from(document.querySelectorAll('.gettingStartedSlideDetails .getting-started-step')).some((el) => el.querySelector('.step-title')?.textContent?.includes(title) && (el.classList.contains('complete') || !!el.querySelector('.codicon-pass-filled, .codicon-getting-started-step-checked'))),
        stepTitle,
        { timeout: 15_000 },
      );
      await page.screenshot({ path: join(RESULTS, `scheduler-step-ticked-${language}.png`) });
    });
  });
}
