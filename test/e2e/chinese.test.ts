/** The demo panel in the Chinese display language: localized strings, screenshot panel-zh-cn.png. */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS } from '../../scripts/e2e/paths';
import { summaryRows } from './support/demoPanel';
import { quickLink, runLink } from './support/demoRun';
import { hasChinese } from './support/manifest';
import { useSession } from './support/session';

describe('demo panel (zh-cn)', function () {
  this.timeout(300_000);
  const session = useSession({ locale: 'zh-cn' });

  it('a Chinese run link opens a panel that speaks Chinese', async () => {
    const { page, server } = session();
    const frame = await runLink(page, server, quickLink('zh-cn'), 'zh-cn');
    const headings = await frame.locator('h3').allInnerTexts();
    assert.ok(headings.some(hasChinese), `panel headings not in Chinese: ${headings.join(' | ')}`);
    assert.ok((await summaryRows(frame)).length > 0);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'panel-zh-cn.png') });
  });
});
