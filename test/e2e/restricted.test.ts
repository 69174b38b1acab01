/**
 * Restricted Mode (the folder is not trusted): the walkthrough's "run my program" link and Trace
 * This Program explain that they are unavailable, while the built-in demos keep working.
 */
import * as assert from 'node:assert/strict';
import { openWalkthrough, runCommand } from '../../scripts/e2e/workbench';
import { drawnVariants } from './support/demoPanel';
import { openWorkspaceFile, runMenuEntries } from './support/editorRun';
import { quickLink, runLink } from './support/demoRun';
import { commandTitle, readCommandLinks, readWalkthroughs } from './support/manifest';
import { useSession } from './support/session';
import { clickStepLink, selectStep } from './support/walkthroughUi';

const RUN_MY_PROGRAM = 'concurrencyLab.runMyProgram';

describe('Restricted Mode', function () {
  this.timeout(300_000);
  const session = useSession({ trustWorkspace: false });

  it('the workbench is in Restricted Mode', async () => {
    const { page } = session();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
  });

  it('running my own program says it is unavailable until the folder is trusted', async () => {
    const { page } = session();
    const link = readCommandLinks('en', RUN_MY_PROGRAM)[0];
    if (link) {
      const walkthrough = readWalkthroughs('en').find((w) => w.id === link.walkthroughId);
      assert.ok(walkthrough);
      await openWalkthrough(page, walkthrough.title);
      await selectStep(page, link.stepTitle);
      await clickStepLink(page, link.stepTitle, link.label);
    } else {
      const title = commandTitle('en', RUN_MY_PROGRAM);
      assert.ok(title, `${RUN_MY_PROGRAM} is neither linked from a walkthrough nor contributed`);
      await runCommand(page, title);
    }
    const message = page.locator('.notification-list-item-message', { hasText: 'Restricted Mode' }).first();
    await message.waitFor({ timeout: 30_000 });
    assert.match(await message.innerText(), /trust/i);
  });

  it('Trace This Program is not in the run menu, and from the palette it says why it is off', async () => {
    const { page } = session();
    await openWorkspaceFile(page, 'hello.py');
    assert.deepEqual((await runMenuEntries(page, 5_000)).filter((l) => l.includes('Trace This Program')), []);
    assert.equal(await page.locator('.editor-group-container.active .editor-actions [aria-label*="Trace This Program"]').count(), 0);
    await runCommand(page, 'Concurrency Lab: Trace This Program');
    const message = page.locator('.notification-list-item-message', { hasText: 'Trace This Program' }).first();
    await message.waitFor({ timeout: 30_000 });
    const text = await message.innerText();
    assert.match(text, /Restricted Mode/);
    assert.match(text, /trust/i);
  });

  it('the built-in demos still run', async () => {
    const { page, server } = session();
    const frame = await runLink(page, server, quickLink('en'));
    assert.ok((await drawnVariants(frame)).length > 0);
  });
});
