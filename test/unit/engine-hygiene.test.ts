/**
 * Nothing left behind, nothing trusted that a program says about others: each case here failed
 * before its fix (a daemonized child survived the run, a lying hello got an unrelated process
 * killed, a relative --program path with a folder failed, an explicit --python quietly became Node,
 * a repeated pool size gave duplicate variant ids, a huge timeout fired at once).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunError } from '../../src/engine/errors';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { isAlive } from '../../src/engine/processTree';
import { runScenario } from '../../src/engine/runScenario';
import { findScenario, validateParams } from '../../src/shared/scenarios';

const root = findPackageRoot(__dirname)!;
const fixtures = path.join(root, 'test', 'fixtures', 'engine');

async function rejection(p: Promise<unknown>): Promise<RunError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RunError, String(e));
    return e;
  }
  assert.fail('expected a RunError');
}

describe('engine process hygiene and hostile input', function () {
  this.timeout(60_000);

  it('stops a child that left for a new session and still holds the output pipe, without waiting on it', async function () {
    if (process.platform !== 'linux') this.skip(); // the marker is read from /proc
    const started = Date.now();
    let output = '';
    const trace = await runScenario('race', { lock: 'on' }, {
      runtime: 'node', extensionRoot: root, programPath: path.join(fixtures, 'daemonize.mjs'),
      onProgramDone: (r) => (output = r.output),
    });
    assert.equal(trace.variants.length, 1);
    const pid = Number(/^PID (\d+)$/m.exec(output)?.[1]);
    assert.ok(pid > 0, output);
    const deadline = Date.now() + 3000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(pid), false, 'the daemonized child was stopped');
    assert.ok(Date.now() - started < 8000, `the run returned in ${Date.now() - started} ms`);
  });

  it('never adopts (or kills) a process because a hello named its pid', async function () {
    if (process.platform !== 'linux') this.skip();
    const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
    process.env.CLAB_TEST_VICTIM = String(victim.pid);
    try {
      await runScenario('race', { lock: 'on' }, {
        runtime: 'node', extensionRoot: root, programPath: path.join(fixtures, 'liar.mjs'),
        onProgramDone: (r) => assert.ok(!r.pids.includes(victim.pid!), 'not counted as part of the run'),
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(isAlive(victim.pid!), 'the unrelated process is still running');
    } finally {
      delete process.env.CLAB_TEST_VICTIM;
      victim.kill('SIGKILL');
    }
  });

  it('resolves a relative --program path with a folder from the caller’s folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-rel-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    for (const f of ['good.mjs', 'handTracer.mjs']) fs.copyFileSync(path.join(fixtures, f), path.join(dir, 'sub', f));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const trace = await runScenario('race', { lock: 'on' }, { runtime: 'node', extensionRoot: root, programPath: 'sub/good.mjs' });
      assert.deepEqual(trace.variants.map((v) => v.id), ['lock']);
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an explicit Python that does not work is an error, never a quiet switch to Node', async () => {
    const e = await rejection(runScenario('gil', { scale: 0.1 }, { extensionRoot: root, pythonPath: '/no/such/python3' }));
    assert.match(e.kind, /runtime-missing|runtime-too-old/);
    assert.match(e.message, /\/no\/such\/python3/);
  });

  it('refuses a repeated pool size (each size is a variant id)', () => {
    const r = validateParams(findScenario('pool')!, { pools: [2, 2] });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.errors.join(' '), /pools lists 2 twice/);
  });
});
