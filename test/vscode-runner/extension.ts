/**
 * Test-only extension: runs the extension-host mocha suite inside code-server and writes a JSON
 * result file (see README.md). It imports nothing from `vscode`: the suite does.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What scripts/e2e/vscodeHost.ts reads back. */
export interface RunnerResult {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  tests: { title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number; error?: string }[];
  /** Set when the suite could not be loaded or run() threw outside any test. */
  error?: string;
}

interface RunnerConfig {
  suite: string;
  result: string;
}

interface MochaRunnable {
  fullTitle(): string;
  duration?: number;
}

interface MochaRunnerLike {
  on(event: string, listener: (test: MochaRunnable, error?: Error) => void): unknown;
}

type RunFn = (this: MochaRunnerLike, ...args: unknown[]) => unknown;

export async function activate(): Promise<void> {
  const started = Date.now();
  const result: RunnerResult = { passed: 0, failed: 0, pending: 0, durationMs: 0, tests: [] };
  let config: RunnerConfig | undefined;
  try {
    config = readConfig();
    const requireFromSuite = createRequire(config.suite);
    // The suite requires the same mocha (it is external to the bundle): listen on its runner to
    // record every test, whatever reporter the suite chose.
    recordTests(requireFromSuite('mocha') as { Runner: { prototype: { run: RunFn } } }, result);
    const suite = requireFromSuite(config.suite) as { run?: () => Promise<unknown> };
    if (typeof suite.run !== 'function') throw new Error(`${config.suite} exports no run()`);
    await suite.run();
  } catch (error) {
    // run() rejects when tests failed; that is already counted. Anything else is an error.
    if (result.failed === 0) result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  result.durationMs = Date.now() - started;
  if (config) writeResult(config.result, result);
}

export function deactivate(): void {
  // nothing to release: the runner is stopped with its server
}

function readConfig(): RunnerConfig {
  const suite = process.env.CLAB_RUNNER_SUITE;
  const resultFile = process.env.CLAB_RUNNER_RESULT;
  if (suite && resultFile) return { suite, result: resultFile };
  const file = join(__dirname, 'runner-config.json');
  if (!existsSync(file)) throw new Error('no CLAB_RUNNER_SUITE/CLAB_RUNNER_RESULT and no runner-config.json');
  return JSON.parse(readFileSync(file, 'utf8')) as RunnerConfig;
}

function recordTests(mocha: { Runner: { prototype: { run: RunFn } } }, result: RunnerResult): void {
  const proto = mocha.Runner.prototype;
  const originalRun = proto.run;
  proto.run = function (this: MochaRunnerLike, ...args: unknown[]) {
    this.on('pass', (test) => {
      result.passed++;
      result.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
    });
    this.on('fail', (test, error) => {
      result.failed++;
      result.tests.push({ title: test.fullTitle(), state: 'failed', error: error?.stack ?? String(error) });
    });
    this.on('pending', (test) => {
      result.pending++;
      result.tests.push({ title: test.fullTitle(), state: 'pending' });
    });
    return originalRun.apply(this, args);
  };
}

/** Written to a temp name then renamed, so the waiting side never reads half a file. */
function writeResult(file: string, result: RunnerResult): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2));
  renameSync(`${file}.tmp`, file);
}
