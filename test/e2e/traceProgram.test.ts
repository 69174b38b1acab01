/**
 * Trace This Program in a real editor: a plain program nobody annotated (four threads queueing for
 * one lock, each holding it 50 ms), traced from the editor title's run menu, drawn in the panel with
 * a lane per thread, the lock waits and the program's output; then with arguments typed into the
 * prompt. Screenshots in the light and dark themes: trace-program-light.png, trace-program-dark.png.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ThemeName } from '../../scripts/e2e/codeServer';
import { RESULTS } from '../../scripts/e2e/paths';
import { runCommand } from '../../scripts/e2e/workbench';
import { runMark, waitForRun } from './support/demoPanel';
import { openWorkspaceFile, pickFromRunMenu, runMenuEntries, waitForOutput } from './support/editorRun';
import { useSession } from './support/session';

const PROGRAM = 'queue_lock.py';
const EXTENSION_ID = 'concurrency-lab.concurrency-lab';
const SOURCE = `import sys
import threading
import time

lock = threading.Lock()


def work(n):
    with lock:
        time.sleep(0.05)
    print(f"worker {n} done")


threads = [threading.Thread(target=work, args=(i,)) for i in range(1, 5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("all 4 workers finished", *sys.argv[1:])
`;

const THEMES: [ThemeName, string][] = [
  ['Default Light Modern', 'light'],
  ['Default Dark Modern', 'dark'],
];

for (const [theme, slug] of THEMES) {
  describe(`Trace This Program (${slug})`, function () {
    this.timeout(300_000);
    const session = useSession({ theme, workspaceFiles: { [`lessons/${PROGRAM}`]: SOURCE } });

    it(`traces a plain program from the run menu: lanes Thread-1 … Thread-4, lock waits, its output (trace-program-${slug}.png)`, async () => {
      const { page, server } = session();
      await openWorkspaceFile(page, PROGRAM);
      assert.deepEqual(await runMenuEntries(page), ['Trace This Program', 'Trace This Program with Arguments…']);
      const mark = runMark(server);
      await pickFromRunMenu(page, 'Trace This Program');
      const frame = await waitForRun(page, server, mark, ['program']);
      const view = await waitForOutput(frame, /^all 4 workers finished$/m);
      for (let i = 1; i <= 4; i++) assert.ok(view.lanes.some((l) => l.startsWith(`Thread-${i}`)), `lane Thread-${i} in ${view.lanes.join(', ')}`);
      assert.ok((view.spansByState['lock-wait'] ?? 0) > 0, `a lock wait is drawn: ${JSON.stringify(view.spansByState)}`);
      assert.match(view.lockWaitHover ?? '', /Lock/, 'hovering a lock wait names the lock');
      assert.match(view.output, /^worker 4 done$/m);
      const summary = await frame.locator('.summary').first().innerText();
      assert.match(summary, new RegExp(PROGRAM.replace('.', '\\.')), 'the summary names the program');
      // The program and its run side by side, the output scrolled into view.
      await runCommand(page, 'View: Close Primary Side Bar', 5_000).catch(() => undefined);
      await page.waitForTimeout(1000);
      await frame.locator('pre.output').scrollIntoViewIfNeeded().catch(() => undefined);
      await page.waitForTimeout(500);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, `trace-program-${slug}.png`) });
    });

    if (slug === 'light') {
      it('asks for arguments, passes them to the program and remembers them for the next run', async () => {
        const { page, server } = session();
        await openWorkspaceFile(page, PROGRAM);
        let mark = runMark(server);
        await pickFromRunMenu(page, 'Trace This Program with Arguments…');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        await input.fill(`--name "two words"`);
        await page.keyboard.press('Enter');
        let frame = await waitForRun(page, server, mark, ['program']);
        await waitForOutput(frame, /^all 4 workers finished --name two words$/m);
        // The plain command (from the palette this time) runs with the arguments remembered for the file.
        await openWorkspaceFile(page, PROGRAM);
        mark = runMark(server);
        await runCommand(page, 'Concurrency Lab: Trace This Program');
        frame = await waitForRun(page, server, mark, ['program']);
        await waitForOutput(frame, /^all 4 workers finished --name two words$/m);
        // The log says where each run's arguments came from: the last two are this test's.
        const used = (server.extensionLog(EXTENSION_ID).match(/trace queue_lock\.py: arguments .*/g) ?? []).slice(-2);
        assert.deepEqual(used, Array(2).fill('trace queue_lock.py: arguments ["--name","two words"] (from file)'));
      });
    }
  });
}
