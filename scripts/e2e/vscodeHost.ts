/**
 * Runs the extension-host mocha suite (out/test/vscode/index.js) inside code-server: installs the
 * extension's VSIX and the test-only runner extension, opens the workbench in Chromium (the
 * extension host starts when a window connects), waits for the runner's result file and prints it.
 * Exit code: 0 all passed, 1 failures or no result. Last line: "vscode-host: N passed, N failed".
 * Built by scripts/e2e/build.mjs; run with `npm run test:vscode:server`.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunnerResult } from '../../test/vscode-runner/extension';
import { startCodeServer } from './codeServer';
import { REPO, RUNNER_VSIX, mainVsixPath } from './paths';
import { launchBrowser, openWorkbench } from './workbench';

const TIMEOUT_MS = Number(process.env.CLAB_VSCODE_HOST_TIMEOUT_MS ?? 10 * 60_000);

async function main(): Promise<number> {
  const suite = process.env.CLAB_VSCODE_SUITE ?? join(REPO, 'out/test/vscode/index.js');
  if (!existsSync(suite)) {
    console.error(`vscode-host: ${suite} is missing (node esbuild.mjs --tests builds it from test/vscode/index.ts)`);
    console.log('vscode-host: 0 passed, 1 failed');
    return 1;
  }
  const resultDir = join(REPO, 'test-results', 'vscode-host');
  mkdirSync(resultDir, { recursive: true });
  // A private file per run: another run of this script at the same time must not answer for this one.
  const privateDir = mkdtempSync(join(tmpdir(), 'clab-vscode-host-'));
  const resultFile = join(privateDir, 'result.json');

  const started = Date.now();
  const server = await startCodeServer({
    vsixes: [mainVsixPath(), RUNNER_VSIX],
    env: { CLAB_RUNNER_SUITE: suite, CLAB_RUNNER_RESULT: resultFile },
    workspaceFiles: { 'README.md': '# Extension-host test workspace\n' },
  });
  const browser = await launchBrowser();
  let result: RunnerResult | undefined;
  try {
    const page = await openWorkbench(browser, server.url);
    console.log(`vscode-host: workbench up after ${((Date.now() - started) / 1000).toFixed(1)} s, waiting for the suite`);
    result = await waitForResult(resultFile, TIMEOUT_MS);
    if (!result) {
      await page.screenshot({ path: join(resultDir, 'timeout.png') });
      console.error(`vscode-host: no result within ${TIMEOUT_MS / 1000} s; extension-host log:\n${server.extensionHostLog().slice(-6000)}`);
    }
  } finally {
    await browser.close();
    await server.stop();
    if (existsSync(resultFile)) copyFileSync(resultFile, join(resultDir, 'result.json'));
    rmSync(privateDir, { recursive: true, force: true });
  }
  if (!result) {
    console.log('vscode-host: 0 passed, 1 failed');
    return 1;
  }
  for (const t of result.tests) {
    const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
    console.log(`  ${mark} ${t.title}${t.durationMs ? ` (${t.durationMs} ms)` : ''}`);
    if (t.error) console.log(indent(t.error));
  }
  if (result.error) console.log(`vscode-host: the suite did not run:\n${indent(result.error)}`);
  const failed = result.failed + (result.error ? 1 : 0);
  console.log(`vscode-host: total ${((Date.now() - started) / 1000).toFixed(1)} s, suite ${(result.durationMs / 1000).toFixed(1)} s`);
  console.log(`vscode-host: ${result.passed} passed, ${failed} failed`);
  return failed === 0 && result.passed > 0 ? 0 : 1;
}

async function waitForResult(file: string, timeoutMs: number): Promise<RunnerResult | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as RunnerResult;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    console.log('vscode-host: 0 passed, 1 failed');
    process.exit(1);
  },
);
