/**
 * Runs the extension-host suites with mocha. `@vscode/test-electron` (`extensionTestsPath`) and the
 * code-server runner both call `run()` inside a VS Code that has the extension installed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Suites that must come first: activation is checked before any other suite wakes the extension. */
const FIRST = ['activation.test.js'];

export interface RunOptions {
  /** A mocha reporter name or path, e.g. for a runner that collects results from a file. */
  reporter?: string;
  reporterOptions?: Record<string, unknown>;
  grep?: string;
}

export function run(options: RunOptions = {}): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 120_000, reporter: options.reporter, reporterOptions: options.reporterOptions });
  if (options.grep) mocha.grep(options.grep);
  const rank = (f: string) => (FIRST.includes(f) ? FIRST.indexOf(f) : FIRST.length);
  fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .forEach((f) => mocha.addFile(path.join(__dirname, f)));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
