/**
 * Restricted Mode (the folder is not trusted): the walkthrough's "run my program" link explains
 * that it is unavailable, while the built-in demos keep working.
 */
import * as assert from 'node:assert/strict';
import { openWalkthrough, runCommand } from '../../scripts/e2e/workbench';
import { drawnVariants } from './support/demoPanel';
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

  it('the built-in demos still run', async () => {
    const { page, server } = session();
    const frame = await runLink(page, server, quickLink('en'));
    assert.ok((await drawnVariants(frame)).length > 0);
  });
});
