/** Running a demo the way a learner does: from a walkthrough step's run link. */
import * as assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { openWalkthrough } from '../../../scripts/e2e/workbench';
import type { CodeServer } from '../../../scripts/e2e/codeServer';
import { runMark, waitForRun } from './demoPanel';
import { readDemoLinks, readWalkthroughs, type DemoLink, type Language } from './manifest';
import { clickStepLink, selectStep } from './walkthroughUi';

/** Opens the link's walkthrough, expands its step, clicks the link, and waits for the drawn run. */
export async function runLink(page: Page, server: CodeServer, link: DemoLink, language: Language = 'en', expectIds?: string[]): Promise<Frame> {
  const walkthrough = readWalkthroughs(language).find((w) => w.id === link.walkthroughId);
  assert.ok(walkthrough, `walkthrough ${link.walkthroughId} not in the manifest`);
  await openWalkthrough(page, walkthrough.title);
  await selectStep(page, link.stepTitle);
  const mark = runMark(server);
  await clickStepLink(page, link.stepTitle, link.label);
  return waitForRun(page, server, mark, expectIds);
}

/** The first run link of each scenario, in walkthrough order. */
export function firstLinkPerScenario(language: Language): DemoLink[] {
  const seen = new Set<string>();
  return readDemoLinks(language).filter((l) => !seen.has(l.args.scenario) && seen.add(l.args.scenario));
}

/** The link a short demo runs from (the race: about a second, and it has an outcome to show). */
export function quickLink(language: Language): DemoLink {
  const links = firstLinkPerScenario(language);
  const link = links.find((l) => l.args.scenario === 'race') ?? links[0];
  assert.ok(link, 'the walkthroughs have no run link');
  return link;
}
