/** Acting on an open walkthrough page: select a step, click a link in its description. */
import type { Page } from 'playwright-core';

function stepButton(page: Page, title: string) {
  return page
    .locator('.gettingStartedSlideDetails .getting-started-step')
    .filter({ has: page.locator('.step-title', { hasText: title }) })
    .first();
}

/** Expands a step (by its title) the way a learner does: clicking its title. */
export async function selectStep(page: Page, title: string): Promise<void> {
  const button = stepButton(page, title);
  await button.locator('.step-title').click();
  await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await button.elementHandle(), {
    timeout: 15_000,
  });
}

/**
 * Clicks the link or button labelled `label` in an expanded step. A link alone on its line renders
 * as a button (no href in the DOM), so the label is what identifies it.
 */
export async function clickStepLink(page: Page, stepTitle: string, label: string): Promise<void> {
  const plain = label.replace(/[*_`]/g, '').trim();
  const description = stepButton(page, stepTitle).locator('.step-description-container');
  const target = description.locator('a, .monaco-button').filter({ hasText: plain }).first();
  await target.waitFor({ timeout: 15_000 });
  await target.click();
}
