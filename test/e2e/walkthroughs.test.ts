/**
 * Every walkthrough opens by its title in a real editor, in English and in Chinese, lists its
 * steps, and shows each step's media (the localized markdown, with no broken image).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { RESULTS } from '../../scripts/e2e/paths';
import { openWalkthrough, waitForFrame } from '../../scripts/e2e/workbench';
import { hasChinese, readWalkthroughs, type Language, type Step } from './support/manifest';
import { useSession } from './support/session';
import { selectStep } from './support/walkthroughUi';

for (const language of ['en', 'zh-cn'] as Language[]) {
  describe(`walkthroughs (${language})`, function () {
    this.timeout(180_000);
    const session = useSession(language === 'en' ? {} : { locale: 'zh-cn' });
    const walkthroughs = readWalkthroughs(language);

    it('the manifest contributes the six lesson walkthroughs', () => {
      assert.deepEqual(
        walkthroughs.map((w) => w.id).sort(),
        ['daemon-threads', 'gil', 'multithreading', 'race-conditions', 'thread-pools', 'threads-processes'],
      );
    });

    for (const walkthrough of walkthroughs) {
      it(`"${walkthrough.title}" shows its ${walkthrough.steps.length} steps and their media`, async () => {
        const { page } = session();
        if (language !== 'en') assert.ok(hasChinese(walkthrough.title), `title not in Chinese: ${walkthrough.title}`);
        await openWalkthrough(page, walkthrough.title);
        const shown = await page.locator('.gettingStartedSlideDetails .getting-started-step .step-title').allInnerTexts();
        assert.deepEqual(shown.map(normalize), walkthrough.steps.map((s) => normalize(s.title)));
        for (const step of walkthrough.steps) {
          if (language !== 'en') assert.ok(hasChinese(step.title), `step title not in Chinese: ${step.title}`);
          await selectStep(page, step.title);
          await checkMedia(page, step);
        }
        mkdirSync(join(RESULTS, 'walkthroughs'), { recursive: true });
        await page.screenshot({ path: join(RESULTS, 'walkthroughs', `${language}-${walkthrough.id}.png`) });
      });
    }
  });
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

async function checkMedia(page: Page, step: Step): Promise<void> {
  const media = page.locator('.gettingStartedSlideDetails .getting-started-media');
  if (step.mediaKind === 'none') return;
  await media.waitFor({ state: 'visible', timeout: 15_000 });
  if (step.mediaKind === 'image') {
    const ok = await media.locator('img').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
    assert.ok(ok, `step "${step.title}": its image did not load`);
    return;
  }
  // markdown and svg media render in a webview: find the frame that shows this step's content
  const heading = step.mediaHeading;
  const predicate = heading
    ? `document.body && document.body.innerText.includes(${JSON.stringify(heading)})`
    : `!!document.querySelector('svg') && document.querySelector('svg').getBoundingClientRect().width > 0`;
  let frame: Frame;
  try {
    frame = await waitForFrame(page, predicate, 30_000);
  } catch {
    assert.fail(`step "${step.title}": no media frame shows ${heading ? `"${heading}"` : 'an SVG'}`);
  }
  await frame.waitForFunction(() => Array.from(document.images).every((img) => img.complete), undefined, { timeout: 10_000 }).catch(() => undefined);
  const broken = await frame.evaluate(() =>
    Array.from(document.images)
      .filter((img) => img.getAttribute('src') && !(img.complete && img.naturalWidth > 0))
      .map((img) => img.getAttribute('src')),
  );
  assert.deepEqual(broken, [], `step "${step.title}": images that did not load`);
}
