// Extension-host tests for `npm run test:vscode` (@vscode/test-cli). It downloads VS Code, which
// machines without internet cannot do: there the same suites run in code-server (test/e2e), through
// test/vscode/index.ts. The workspace is a fresh temporary folder, since openProgram writes into it.
import { defineConfig } from '@vscode/test-cli';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default defineConfig({
  label: 'extension-host',
  // Activation must be checked before any other suite wakes the extension.
  files: ['out/test/vscode/activation.test.js', 'out/test/vscode/*.test.js'],
  version: '1.95.0',
  workspaceFolder: mkdtempSync(join(tmpdir(), 'concurrency-lab-ws-')),
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 120000 },
});
