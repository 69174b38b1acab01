/**
 * Driving the workbench in headless Chromium: open it, run commands from the palette, open a
 * walkthrough, and find webview frames (walkthrough media and the demo panel are nested iframes).
 */
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { readE2eEnv } from './paths';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: readE2eEnv().chromium,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Opens the workbench and waits until extensions can run (the status bar is up, side bars settled). */
export async function openWorkbench(browser: Browser, url: string, locale?: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1600, height: 1000 },
    ...(locale ? { locale } : {}),
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.statusbar').waitFor({ timeout: 60_000 });
  // The secondary side bar (chat) narrows the editor so a walkthrough hides its media.
  const auxiliaryBar = page.locator('.part.auxiliarybar');
  if (await auxiliaryBar.isVisible().catch(() => false)) await page.keyboard.press('Control+Alt+B');
  return page;
}

/**
 * Runs a command by its palette title (exact label match, so similar titles do not win). Retried:
 * a webview that takes focus while it loads closes the palette under the test's fingers.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Keys typed while a webview (walkthrough media, the demo panel) has focus stay in its iframe.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 10_000 });
      await pickRow(page, title, timeoutMs);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Picks the quick-pick row whose label is `label`, with the keyboard: a hover can float over the
 * list and swallow a mouse click.
 */
export async function pickRow(page: Page, label: string, timeoutMs = 30_000): Promise<void> {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const matching = rows.filter({ has: page.locator('.label-name', { hasText: label }) });
  await matching.first().waitFor({ timeout: timeoutMs });
  const focusedMatches = async (): Promise<boolean> =>
    (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused .label-name').first().textContent().catch(() => ''))?.trim() === label;
  for (let moves = 0; moves < 20 && !(await focusedMatches()); moves++) {
    await page.keyboard.press('ArrowDown');
  }
  if (!(await focusedMatches())) throw new Error(`quick pick: could not focus "${label}"`);
  await page.keyboard.press('Enter');
}

/** Opens a walkthrough by its (localized) title and waits for its step list. */
export async function openWalkthrough(page: Page, title: string): Promise<void> {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const input = page.locator('.quick-input-widget input');
  await input.fill(title);
  await pickRow(page, title);
  await page.locator('.gettingStartedSlideDetails').filter({ hasText: title }).first().waitFor({ timeout: 30_000 });
}

/** Waits for a frame in which `predicate` (a browser-side expression) is truthy. */
export async function waitForFrame(page: Page, predicate: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      const ok = await frame.evaluate(predicate).catch(() => false);
      if (ok) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no frame where ${predicate} within ${timeoutMs / 1000} s`);
}

/** Text of the notifications currently shown (errors from commands land there). */
export async function notificationTexts(page: Page): Promise<string[]> {
  return page.locator('.notification-list-item-message').allInnerTexts();
}
