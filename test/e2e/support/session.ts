/**
 * One code-server + Chromium page per `describe` block. Tests inside share the server but not
 * their state: each starts from a workbench with every editor closed. A failing test leaves a
 * screenshot in test-results/e2e/failures/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startCodeServer, type CodeServer, type CodeServerOptions } from '../../../scripts/e2e/codeServer';
import { LANGPACK_VSIX, REPO, RESULTS, mainVsixPath } from '../../../scripts/e2e/paths';
import { launchBrowser, openWorkbench, runCommand } from '../../../scripts/e2e/workbench';

export interface Session {
  server: CodeServer;
  browser: Browser;
  page: Page;
}

export type SessionOptions = Omit<CodeServerOptions, 'vsixes' | 'languagePackDir'>;

const WORKSPACE_FILES = { 'hello.py': 'print("hello from the test workspace")\n' };

/** Registers before/after hooks in the calling `describe`; the returned getter is valid inside tests. */
export function useSession(options: SessionOptions = {}): () => Session {
  let session: Session | undefined;
  before(async function () {
    this.timeout(240_000);
    const zh = options.locale === 'zh-cn';
    const server = await startCodeServer({
      ...options,
      vsixes: [mainVsixPath(), ...(zh ? [LANGPACK_VSIX] : [])],
      ...(zh ? { languagePackDir: join(REPO, 'test/fixtures/langpack-zh-cn') } : {}),
      workspaceFiles: { ...WORKSPACE_FILES, ...options.workspaceFiles },
    });
    const browser = await launchBrowser().catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    const page = await openWorkbench(browser, server.url, options.locale);
    session = { server, browser, page };
  });
  beforeEach(async function () {
    this.timeout(90_000);
    if (session) await resetWorkbench(session.page);
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (!session || test?.state !== 'failed') return;
    const dir = join(RESULTS, 'failures');
    mkdirSync(dir, { recursive: true });
    const name = test.fullTitle().replace(/[^\w一-鿿-]+/g, '_').slice(0, 120);
    await session.page.screenshot({ path: join(dir, `${name}.png`) }).catch(() => undefined);
    const log = session.server.extensionHostLog();
    const errors = log.split('\n').filter((l) => /\[(error|warning)\]/i.test(l) && !/marketplace|gallery/i.test(l));
    if (errors.length) console.log(`    extension-host log (errors and warnings):\n      ${errors.slice(-15).join('\n      ')}`);
  });
  after(async function () {
    this.timeout(60_000);
    await session?.browser.close().catch(() => undefined);
    await session?.server.stop();
    session = undefined;
  });
  return () => {
    if (!session) throw new Error('the code-server session did not start (see the before hook)');
    return session;
  };
}

/**
 * Closes every editor. A failing reset must not fail the hook (mocha would then skip the rest of
 * the block), so a dialog left open is reported, dismissed, and the reset tried once more.
 */
async function resetWorkbench(page: Page): Promise<void> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await runCommand(page, 'View: Close All Editors', 20_000);
      await page.keyboard.press('Escape');
      return;
    } catch (error) {
      const dialog = page.locator('.monaco-dialog-box');
      if (await dialog.isVisible().catch(() => false)) {
        console.log(`    (reset: a dialog was open: ${(await dialog.innerText()).replace(/\s+/g, ' ').slice(0, 200)})`);
        mkdirSync(join(RESULTS, 'failures'), { recursive: true });
        await page.screenshot({ path: join(RESULTS, 'failures', `dialog-${Date.now()}.png`) }).catch(() => undefined);
        const cancel = dialog.locator('.monaco-button', { hasText: /cancel|close|取消/i }).first();
        if (await cancel.isVisible().catch(() => false)) await cancel.click();
        else await page.keyboard.press('Escape');
      } else {
        console.log(`    (reset attempt ${attempt} failed: ${String(error).split('\n')[0]})`);
        await page.keyboard.press('Escape');
      }
    }
  }
}
