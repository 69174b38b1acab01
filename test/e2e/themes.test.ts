/**
 * The panel and a walkthrough in the light, dark and high-contrast themes, saved as screenshots in
 * test-results/e2e/ for a person to look at (what reads badly does not show up in asserts).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ThemeName } from '../../scripts/e2e/codeServer';
import { RESULTS } from '../../scripts/e2e/paths';
import { openWalkthrough, runCommand } from '../../scripts/e2e/workbench';
import { drawnCheck, drawnVariants, panelFrame } from './support/demoPanel';
import { quickLink, runLink } from './support/demoRun';
import { readWalkthroughs } from './support/manifest';
import { useSession } from './support/session';
import { selectStep } from './support/walkthroughUi';

const THEMES: [ThemeName, string][] = [
  ['Default Light Modern', 'light'],
  ['Default Dark Modern', 'dark'],
  ['Default High Contrast', 'high-contrast'],
];

for (const [theme, slug] of THEMES) {
  describe(`theme: ${theme}`, function () {
    this.timeout(300_000);
    const session = useSession({ theme });

    it(`the demo panel draws its run (screenshot panel-${slug}.png)`, async () => {
      const { page, server } = session();
      await runLink(page, server, quickLink('en'));
      // the panel alone, full width, as a learner looking at the chart would have it
      await page.locator('.tabs-container .tab', { hasText: 'Concurrency Demo' }).first().click();
      await runCommand(page, 'View: Close Editors in Other Groups', 5_000).catch(() => undefined);
      await runCommand(page, 'View: Close Primary Side Bar', 5_000).catch(() => undefined);
      // a webview moved or resized may be loaded again: find it afresh and wait for its charts
      await page.waitForTimeout(1500);
      const frame = await panelFrame(page);
      await frame.waitForFunction(drawnCheck, undefined, { timeout: 30_000 });
      const drawn = await drawnVariants(frame);
      assert.ok(drawn.length > 0 && drawn.every((v) => v.rects > 0), 'every variant is drawn');
      await page.waitForTimeout(500);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, `panel-${slug}.png`) });
    });

    it(`a walkthrough step shows its diagram (screenshot walkthrough-${slug}.png)`, async () => {
      const { page } = session();
      const walkthrough = readWalkthroughs('en').find((w) => w.steps.some((s) => s.mediaKind !== 'none'));
      assert.ok(walkthrough);
      await openWalkthrough(page, walkthrough.title);
      await selectStep(page, walkthrough.steps[0].title);
      await page.waitForTimeout(2000);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, `walkthrough-${slug}.png`) });
    });
  });
}
