/**
 * Acting on an editor as a learner does: open a workspace file with Quick Open, and pick an entry
 * of the editor title's run menu (the ▷ button with its drop-down).
 */
import type { Frame, Page } from 'playwright-core';
import { pickRow } from '../../../scripts/e2e/workbench';

/** Opens a workspace file by name (Quick Open, as Ctrl+P would) and waits for its tab. */
export async function openWorkspaceFile(page: Page, name: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(name);
  await pickRow(page, name);
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
  // The title's actions follow once the file's text is in the editor.
  await page.locator('.editor-group-container.active .monaco-editor .view-line').first().waitFor({ timeout: 30_000 });
}

/** The active editor group's title actions. */
function titleActions(page: Page) {
  return page.locator('.editor-group-container.active .editor-actions');
}

/**
 * Labels of the run menu's entries, read by opening its drop-down (closed again after); none when
 * the menu has not appeared within `waitMs` (the workbench fills the title a moment after the text).
 */
export async function runMenuEntries(page: Page, waitMs = 15_000): Promise<string[]> {
  const dropdown = titleActions(page).locator('.dropdown-action-container .action-label').first();
  if (!(await dropdown.waitFor({ timeout: waitMs }).then(() => true, () => false))) return [];
  await dropdown.click();
  const items = page.locator('.monaco-menu .action-item .action-label');
  await items.first().waitFor({ timeout: 10_000 });
  const labels = (await items.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  await page.keyboard.press('Escape');
  return labels;
}

/** Picks `label` from the run menu's drop-down in the editor title. */
export async function pickFromRunMenu(page: Page, label: string): Promise<void> {
  const dropdown = titleActions(page).locator('.dropdown-action-container .action-label').first();
  await dropdown.waitFor({ timeout: 15_000 });
  await dropdown.click();
  const item = page.locator('.monaco-menu .action-item', { has: page.locator('.action-label', { hasText: label }) }).first();
  await item.waitFor({ timeout: 10_000 });
  await item.click();
}

/** What the panel shows of a program run: lanes, spans per state, the output, a lock wait's hover text. */
export interface ProgramView {
  lanes: string[];
  spansByState: Record<string, number>;
  output: string;
  lockWaitHover: string | null;
}

export async function readProgramView(frame: Frame): Promise<ProgramView> {
  return frame.evaluate(() => {
    type Hook = {
      variants(): { lanes: string[]; spansByState: Record<string, number> }[];
      pointOf(variant: number, lane: number, state: string): { x: number; y: number } | null;
      tooltipAt(x: number, y: number): string | null;
    };
    const hook = (window as unknown as { __clabTest?: Hook }).__clabTest;
    const v = hook?.variants()[0];
    let lockWaitHover: string | null = null;
    for (let lane = 0; v && lane < v.lanes.length && lockWaitHover === null; lane++) {
      const p = hook?.pointOf(0, lane, 'lock-wait');
      if (p) lockWaitHover = hook?.tooltipAt(p.x, p.y) ?? null;
    }
    return {
      lanes: v?.lanes ?? [],
      spansByState: v?.spansByState ?? {},
      output: document.querySelector('pre.output')?.textContent ?? '',
      lockWaitHover,
    };
  });
}

/** Waits until the panel's output matches `pattern` (the panel may show the previous run for a moment). */
export async function waitForOutput(frame: Frame, pattern: RegExp, timeoutMs = 30_000): Promise<ProgramView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await readProgramView(frame);
    if (pattern.test(view.output)) return view;
    if (Date.now() > deadline) throw new Error(`the panel's output does not match ${pattern}:\n${view.output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
