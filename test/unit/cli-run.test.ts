import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { privateFixtures, processesMentioning, waitFor } from '../fixtures/engine/procs';
import { newTag, processesTagged, runProcessesTagged, taggedEnv } from '../fixtures/engine/runMarker';
import type { Trace } from '../../src/shared/trace';

const root = findPackageRoot(__dirname)!;
const cli = path.join(root, 'dist', 'cli.js');
const fixtures = path.join(root, 'test', 'fixtures', 'engine');

function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const hasPython = spawnSync('python3', ['-c', 'import sys; sys.exit(sys.version_info < (3, 8))']).status === 0;

/**
 * Starts the CLI with `args`, waits until `procs` processes of its run are up, sends `sig` and
 * returns the exit code and what is left of the run (by a tag every process of it inherits).
 * `closeOutput` closes the CLI's stdout and stderr first, as a closed terminal would; with no `sig`
 * that alone must stop the run.
 */
async function signalCli(args: string[], sig: NodeJS.Signals | undefined, procs: number, closeOutput = false): Promise<{ code: number | null; left: number[]; stderr: string }> {
  const tag = newTag();
  const child = spawn(process.execPath, [cli, ...args], { stdio: 'pipe', env: taggedEnv(tag) });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  child.stdout.on('data', () => undefined);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    assert.ok(await waitFor(() => runProcessesTagged(tag).length >= procs, 30_000), `the program and its children started\n${stderr}`);
    await new Promise((r) => setTimeout(r, 300));
    if (closeOutput) {
      child.stdout.destroy();
      child.stderr.destroy();
    }
    if (sig) child.kill(sig);
    const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000).unref())]);
    return { code, left: processesTagged(tag), stderr };
  } finally {
    for (const p of processesTagged(tag)) process.kill(p, 'SIGKILL');
  }
}

describe('cli (dist/cli.js)', () => {
  before(function () {
    if (!fs.existsSync(cli)) this.skip(); // built by `node esbuild.mjs`
  });

  it('lists the scenarios', () => {
    const r = runCli(['list']);
    assert.equal(r.code, 0);
    for (const id of ['parallel', 'download', 'daemon', 'race', 'pool', 'gil']) assert.match(r.stdout, new RegExp(`^${id} `, 'm'));
  });

  it('exits 2 naming the bad flag or value', () => {
    const bad = runCli(['run', 'gil', '--threads', 'lots']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--threads expects a number, got "lots"/);
    const range = runCli(['run', 'gil', '--runtime', 'node', '--threads', '999']);
    assert.equal(range.code, 2);
    assert.match(range.stderr, /threads must be between 1 and 64, got 999/);
    assert.equal(runCli(['run', 'nope', '--runtime', 'node']).code, 2);
  });

  it('--json prints a trace and --trace writes Chrome Trace JSON', () => {
    const file = path.join(os.tmpdir(), `clab-cli-${process.pid}.json`);
    const r = runCli(['run', 'race', '--runtime', 'node', '--program', path.join(fixtures, 'good.mjs'), '--json', '--trace', file]);
    assert.equal(r.code, 0, r.stderr);
    const trace = JSON.parse(r.stdout) as Trace;
    assert.equal(trace.schema, 2);
    assert.deepEqual(trace.variants.map((v) => v.id), ['no-lock', 'lock']);
    // The engine's structured progress, said in English as it always was.
    assert.match(r.stderr, /^running Without a lock \(1\/2\)…\nrunning With a lock \(2\/2\)…$/m);
    const chrome = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: { ph: string; pid: number; tid: number }[] };
    assert.ok(chrome.traceEvents.some((e) => e.ph === 'X'));
    assert.ok(chrome.traceEvents.some((e) => e.ph === 'M'));
    assert.deepEqual([...new Set(chrome.traceEvents.map((e) => e.pid))], [1, 2], 'one pid per variant');
    fs.rmSync(file);
  });

  it('prints a table and, asked to, a timeline; a crash exits 1 with the program output', () => {
    const ok = runCli(['run', 'race', '--runtime', 'node', '--lock', 'on', '--program', path.join(fixtures, 'good.mjs'), '--timeline']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Fixture lock\s+\d+\.\d\s+\S+\s+1\.00×\s+expected 100, actual 100, ok/);
    assert.match(ok.stdout, /legend:/);
    const crash = runCli(['run', 'race', '--runtime', 'node', '--program', path.join(fixtures, 'crash.mjs')]);
    assert.equal(crash.code, 1);
    assert.match(crash.stderr, /crashed: .*exited with code 1/);
    assert.match(crash.stderr, /Traceback: boom/);
  });

  it('Ctrl-C stops the run, kills every child and exits 130', async function () {
    if (process.platform !== 'linux') this.skip(); // finds the run's processes in /proc
    // a private copy, so the processes of this run can be told apart from any other
    const dir = privateFixtures('hang.mjs');
    const child = spawn(process.execPath, [cli, 'run', 'race', '--runtime', 'node', '--program', path.join(dir, 'hang.mjs')], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    assert.ok(await waitFor(() => processesMentioning(dir, [child.pid!]).length > 0), 'the program started');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 130, stderr);
    assert.deepEqual(processesMentioning(dir), []);
    fs.rmSync(dir, { recursive: true });
  });

  describe('SIGTERM and SIGHUP stop the run and every process of it', function () {
    this.timeout(120_000);
    before(function () {
      if (process.platform !== 'linux') this.skip(); // finds the run's processes in /proc
    });
    // stubborn.mjs: the program and a child in a new session, both ignoring SIGTERM and SIGHUP.
    const runArgs = ['run', 'race', '--runtime', 'node', '--lock', 'on', '--program', path.join(fixtures, 'stubborn.mjs')];
    // spawner.py: the program, a child in its group and one in a new session, the children ignoring SIGTERM and SIGHUP.
    const traceArgs = ['trace', path.join(fixtures, 'spawner.py')];

    it('run: SIGTERM exits 143', async () => {
      const r = await signalCli(runArgs, 'SIGTERM', 2);
      assert.deepEqual(r.left, [], 'nothing of the run is left');
      assert.equal(r.code, 143, r.stderr);
    });

    it('run: SIGHUP exits 129', async () => {
      const r = await signalCli(runArgs, 'SIGHUP', 2);
      assert.deepEqual(r.left, [], 'nothing of the run is left');
      assert.equal(r.code, 129, r.stderr);
    });

    it('run: SIGHUP after the terminal went away (output closed) exits 129', async () => {
      const r = await signalCli(runArgs, 'SIGHUP', 2, true);
      assert.deepEqual(r.left, [], 'nothing of the run is left');
      assert.equal(r.code, 129, r.stderr);
    });

    it('trace (Python): SIGTERM exits 143', async function () {
      if (!hasPython) this.skip();
      const r = await signalCli(traceArgs, 'SIGTERM', 3);
      assert.deepEqual(r.left, [], 'nothing of the run is left');
      assert.equal(r.code, 143, r.stderr);
    });

    it('trace (Python): SIGHUP exits 129', async function () {
      if (!hasPython) this.skip();
      const r = await signalCli(traceArgs, 'SIGHUP', 3);
      assert.deepEqual(r.left, [], 'nothing of the run is left');
      assert.equal(r.code, 129, r.stderr);
    });

    it('trace (Python): SIGHUP after the terminal went away (output closed) exits 129', async function () {
      if (!hasPython) this.skip();
      const r = await signalCli(traceArgs, 'SIGHUP', 3, true);
      assert.deepEqual(r.left, [], 'nothing of the run is left');
      assert.equal(r.code, 129, r.stderr);
    });

    it('trace: the reader of stdout going away (EPIPE) stops the run and exits 141', async () => {
      const r = await signalCli(['trace', path.join(fixtures, 'ticker.mjs')], undefined, 1, true);
      assert.deepEqual(r.left, [], 'nothing of the run is left');
      assert.equal(r.code, 141, r.stderr);
    });
  });
});
