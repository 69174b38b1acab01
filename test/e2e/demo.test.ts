/**
 * The demo in a real editor: a walkthrough's run link opens the panel with a measured run of that
 * scenario (one lane per thread, a summary with its outcome), and the panel's own controls rerun
 * the race with and without the lock.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS } from '../../scripts/e2e/paths';
import { drawnVariants, lessons, runFromControls, setControl, summaryRows } from './support/demoPanel';
import { firstLinkPerScenario, runLink } from './support/demoRun';
import { expectedRun, lanesFit } from './support/expectations';
import { useSession } from './support/session';

/** The runtime a link runs when it names none: Python is on this machine, and it is the default. */
const DEFAULT_RUNTIME = 'python';

describe('demo panel from the walkthroughs (en)', function () {
  this.timeout(300_000);
  const session = useSession();
  const links = firstLinkPerScenario('en');

  it('every scenario has a run link in some walkthrough', () => {
    assert.deepEqual(links.map((l) => l.args.scenario).sort(), ['daemon', 'download', 'gil', 'parallel', 'pool', 'race']);
  });

  for (const link of links) {
    it(`"${link.label}" (${link.walkthroughId}) runs ${link.args.scenario}: one lane per thread, a summary with the outcome`, async () => {
      const { page, server } = session();
      const expected = expectedRun(link.args.scenario, (link.args.runtime ?? DEFAULT_RUNTIME) as 'python' | 'node', link.args.params);
      const frame = await runLink(page, server, link, 'en', expected.map((v) => v.id));
      const drawn = await drawnVariants(frame);
      assert.deepEqual(drawn.map((v) => v.id), expected.map((v) => v.id), 'variants drawn');
      for (const [i, variant] of drawn.entries()) {
        assert.ok(lanesFit(expected[i], variant.lanes.length), `${variant.id}: ${variant.lanes.length} lanes (${variant.lanes.join(', ')}) for ${expected[i].workers} workers`);
        assert.ok(variant.rects > 0, `${variant.id}: nothing drawn`);
      }
      const rows = await summaryRows(frame);
      assert.equal(rows.length, expected.length, 'one summary row per variant');
      assert.ok((await lessons(frame)).length > 0, 'the summary says what the run shows');
      if (link.args.scenario === 'race') {
        for (const row of rows) assert.match(row.outcome, /\d/, `race outcome of ${row.variant} shows the balance`);
      }
    });
  }

  it('the race demo changes its outcome when the lock is switched off and on from the panel', async () => {
    const { page, server } = session();
    const link = links.find((l) => l.args.scenario === 'race');
    assert.ok(link, 'no run link for the race scenario');
    let frame = await runLink(page, server, link);
    await setControl(frame, 'scenario', 'race');
    await setControl(frame, 'lock', 'off');
    frame = await runFromControls(page, server, frame, ['no-lock']);
    const without = await summaryRows(frame);
    assert.deepEqual((await drawnVariants(frame)).map((v) => v.id), ['no-lock']);
    await setControl(frame, 'lock', 'on');
    frame = await runFromControls(page, server, frame, ['lock']);
    const withLock = await summaryRows(frame);
    assert.deepEqual((await drawnVariants(frame)).map((v) => v.id), ['lock']);
    assert.equal(without.length, 1);
    assert.equal(withLock.length, 1);
    assert.ok(without[0].bad, `without a lock the balance should be wrong: ${without[0].outcome}`);
    assert.ok(!withLock[0].bad, `with the lock the balance should be right: ${withLock[0].outcome}`);
    assert.notEqual(without[0].outcome, withLock[0].outcome);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'race-with-lock.png') });
  });
});
