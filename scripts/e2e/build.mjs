// Builds what the editor-level tests need besides the extension's own VSIX (npm run package):
//   out/e2e/vscode-runner.vsix       the test-only extension that runs the extension-host suite
//   out/e2e/langpack-zh-cn-stub.vsix  the stub language pack that switches the editor to Chinese
//   out/e2e/vscodeHost.js            the script that runs the extension-host suite in code-server
// Usage: node scripts/e2e/build.mjs
import * as esbuild from 'esbuild';
import { createVSIX } from '@vscode/vsce';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..', '..');
const outDir = join(repo, 'out', 'e2e');
const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning' };
mkdirSync(outDir, { recursive: true });

// 1. The runner extension, staged in its own folder so vsce packages nothing else.
const runnerDir = join(outDir, 'vscode-runner');
rmSync(runnerDir, { recursive: true, force: true });
mkdirSync(runnerDir, { recursive: true });
await esbuild.build({ ...node, entryPoints: [join(repo, 'test/vscode-runner/extension.ts')], outfile: join(runnerDir, 'extension.js') });
for (const file of ['package.json', 'README.md']) copyFileSync(join(repo, 'test/vscode-runner', file), join(runnerDir, file));
copyFileSync(join(repo, 'LICENSE'), join(runnerDir, 'LICENSE'));
// Default paths, used when the environment does not name them.
writeFileSync(
  join(runnerDir, 'runner-config.json'),
  JSON.stringify({ suite: join(repo, 'out/test/vscode/index.js'), result: join(repo, 'test-results/vscode-host/result.json') }, null, 2),
);

const quietVsce = { dependencies: false, allowMissingRepository: true, skipLicense: true };
await createVSIX({ ...quietVsce, cwd: runnerDir, packagePath: join(outDir, 'vscode-runner.vsix') });

// 2. The stub language pack.
await createVSIX({
  ...quietVsce,
  cwd: join(repo, 'test/fixtures/langpack-zh-cn'),
  packagePath: join(outDir, 'langpack-zh-cn-stub.vsix'),
});

// 3. The extension-host runner script.
await esbuild.build({
  ...node,
  entryPoints: [join(repo, 'scripts/e2e/vscodeHost.ts')],
  outfile: join(outDir, 'vscodeHost.js'),
  external: ['playwright-core'],
});
console.log(`e2e build: wrote ${outDir}/{vscode-runner.vsix, langpack-zh-cn-stub.vsix, vscodeHost.js}`);
