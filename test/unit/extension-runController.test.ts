import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { descendantsOf, killProcessTree } from '../../src/engine/processTree';
import type { RunProgress } from '../../src/shared/progress';
import { RunController, STOP_GRACE_MS, type RunLogger } from '../../src/extension/run/runController';
import { privateFixtures, waitFor } from '../fixtures/engine/procs';

const dir = mkdtempSync(join(tmpdir(), 'clab-host-'));
const trace = { schema: 2, scenario: 'download', runtime: 'node', params: {}, env: { platform: 'linux', cpus: 2, node: 'v20' }, startedAt: 'x', variants: [] };

/** Writes a fake engine host whose reply to `run` is `onRun` (JS, with `msg` in scope). */
function fakeHost(name: string, onRun: string): string {
  const file = join(dir, `${name}.js`);
  writeFileSync(
    file,
    `process.on('message', (msg) => { if (msg.type === 'run') { ${onRun} } });\n` +
      `process.on('disconnect', () => process.exit(0));\n`,
  );
  return file;
}

const quietLog = (): RunLogger & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
};

/** True while `pid` runs; a killed process whose new parent has not reaped it yet is a zombie, not alive. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
};

const spec = { scenario: 'download' as const, runtime: 'node' as const, params: {}, timeoutMs: 20_000 };

describe('extension run controller', () => {
  it('passes progress on and resolves with the trace', async () => {
    const host = fakeHost('ok', `process.send({ type: 'progress', id: msg.id, progress: { kind: 'note', note: 'sizing-work', args: [] } }); process.send({ type: 'result', id: msg.id, trace: ${JSON.stringify(trace)} });`);
    const controller = new RunController(host, quietLog());
    const progress: RunProgress[] = [];
    const run = controller.start(spec, (p) => progress.push(p));
    assert.equal(controller.current, run);
    const outcome = await run.done;
    assert.ok(outcome.ok);
    assert.deepEqual(progress, [{ kind: 'note', note: 'sizing-work', args: [] }]);
    assert.equal(controller.current, undefined);
    await controller.dispose();
  });

  it('refuses a second run while one is going', async () => {
    const host = fakeHost('slow', `setTimeout(() => process.send({ type: 'result', id: msg.id, trace: ${JSON.stringify(trace)} }), 300);`);
    const controller = new RunController(host, quietLog());
    const run = controller.start(spec, () => undefined);
    assert.throws(() => controller.start(spec, () => undefined), /already in progress/);
    await run.done;
    await controller.dispose();
  });

  it('reports the engine error kind, folding internal errors into crashes', async () => {
    const host = fakeHost('err', `process.send({ type: 'error', id: msg.id, kind: msg.runtime === 'python' ? 'runtime-missing' : 'internal', message: 'no', output: 'Traceback' });`);
    const controller = new RunController(host, quietLog());
    const missing = await controller.start({ ...spec, runtime: 'python' }, () => undefined).done;
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.equal(missing.kind, 'runtime-missing');
    const internal = await controller.start(spec, () => undefined).done;
    if (!internal.ok) {
      assert.equal(internal.kind, 'crashed');
      assert.equal(internal.output, 'Traceback');
    } else assert.fail('expected a failure');
    await controller.dispose();
  });

  it('reports a host that dies as a crash, with its output', async () => {
    const host = fakeHost('dies', `console.error('boom'); process.exit(3);`);
    const controller = new RunController(host, quietLog());
    const outcome = await controller.start(spec, () => undefined).done;
    await controller.dispose();
    assert.equal(outcome.ok, false);
    if (!outcome.ok) {
      assert.equal(outcome.kind, 'crashed');
      assert.match(outcome.message, /exit code 3/);
      assert.match(outcome.output ?? '', /boom/);
    }
  });

  it('kills a host that ignores cancel, with its children, after the grace period', async function () {
    if (process.platform === 'win32') this.skip();
    this.timeout(10_000);
    const pidFile = join(dir, 'grandchild.pid');
    const host = fakeHost(
      'stubborn',
      `const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });` +
        `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); process.send({ type: 'progress', id: msg.id, progress: { kind: 'note', note: 'sizing-work', args: [] } });`,
    );
    const controller = new RunController(host, quietLog());
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const run = controller.start(spec, () => started());
    await isStarted;
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(grandchild));
    const t0 = Date.now();
    controller.cancel();
    const outcome = await run.done;
    assert.equal(outcome.ok, false);
    if (!outcome.ok) assert.equal(outcome.kind, 'cancelled');
    assert.ok(Date.now() - t0 >= STOP_GRACE_MS - 50, 'waited for the host first');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(alive(grandchild), false, 'the grandchild in its own process group was killed too');
  });

  it('kills the running host at once when disposed (panel closed, deactivate)', async () => {
    const host = fakeHost('forever', `/* never answers */`);
    const controller = new RunController(host, quietLog());
    const run = controller.start(spec, () => undefined);
    await new Promise((r) => setTimeout(r, 300));
    await controller.dispose();
    const outcome = await run.done;
    assert.equal(outcome.ok, false);
    if (!outcome.ok) assert.equal(outcome.kind, 'cancelled');
  });

  describe('spare host', () => {
    /** A fake host that notes `start <pid>` in a file when it starts and `run <pid>` when it gets a run. */
    const pidHost = (name: string) => {
      const file = join(dir, `${name}.pids`);
      writeFileSync(file, '');
      const host = join(dir, `${name}.js`);
      const note = (what: string) => `require('fs').appendFileSync(${JSON.stringify(file)}, '${what} ' + process.pid + '\\n');`;
      writeFileSync(
        host,
        `${note('start')}\n` +
          `process.on('message', (msg) => { if (msg.type === 'run') { ${note('run')} process.send({ type: 'result', id: msg.id, trace: ${JSON.stringify(trace)} }); } });\n` +
          `process.on('disconnect', () => process.exit(0));\n`,
      );
      const lines = (what: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith(`${what} `)).map((l) => Number(l.split(' ')[1]));
      return { host, pids: () => lines('start'), ran: () => lines('run') };
    };
    const runOnce = async (controller: RunController) => {
      const outcome = await controller.start(spec, () => undefined).done;
      assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    };

    it('a run takes the pre-forked host, a new spare follows the run, and dispose kills it', async function () {
      this.timeout(20_000);
      const { host, pids, ran } = pidHost('spare');
      const controller = new RunController(host, quietLog());
      controller.prewarm();
      assert.ok(await waitFor(() => pids().length === 1), 'the spare started');
      const [spare] = pids();
      await runOnce(controller);
      assert.deepEqual(ran(), [spare], 'the run used the spare');
      assert.ok(await waitFor(() => pids().length === 2), 'a replacement was forked after the run');
      const replacement = pids()[1];
      assert.ok(alive(replacement));
      await controller.dispose();
      assert.ok(await waitFor(() => !alive(replacement)), 'the spare was stopped with the controller');
      assert.equal(alive(spare), false);
      controller.prewarm();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(pids().length, 2, 'no spare after dispose');
    });

    it('a spare that died is not used: the run forks its own host, and a new spare follows', async function () {
      if (process.platform !== 'linux') this.skip();
      this.timeout(20_000);
      const { host, pids, ran } = pidHost('dead-spare');
      const controller = new RunController(host, quietLog());
      controller.prewarm();
      assert.ok(await waitFor(() => pids().length === 1));
      const [spare] = pids();
      process.kill(spare, 'SIGKILL');
      // Reaped (gone from /proc) means the controller has seen its exit: Node emits it as it reaps.
      assert.ok(await waitFor(() => !existsSync(`/proc/${spare}`)));
      await runOnce(controller);
      assert.equal(ran().length, 1);
      assert.notEqual(ran()[0], spare);
      assert.ok(await waitFor(() => pids().length === 3), 'a new spare after the run');
      await controller.dispose();
      assert.ok(await waitFor(() => pids().every((p) => !alive(p))), 'every host stopped');
    });

    it('closing the panel (stop) stops the spare, and none follows until the next run', async function () {
      this.timeout(20_000);
      const { host, pids } = pidHost('stopped-spare');
      const controller = new RunController(host, quietLog());
      controller.prewarm();
      assert.ok(await waitFor(() => pids().length === 1));
      const [spare] = pids();
      controller.stop();
      assert.ok(await waitFor(() => !alive(spare)), 'the spare was stopped');
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(pids().length, 1, 'no new spare after stop');
      await runOnce(controller);
      await controller.dispose();
      assert.ok(await waitFor(() => pids().every((p) => !alive(p))), 'every host stopped');
    });

    it('a run still works when forking the spare failed', async function () {
      this.timeout(20_000);
      const { host, pids } = pidHost('failing-spare');
      let forks = 0;
      class FailingFirstFork extends RunController {
        protected override spawnHost() {
          if (++forks === 1) throw new Error('EAGAIN (test)');
          return super.spawnHost();
        }
      }
      const log = quietLog();
      const controller = new FailingFirstFork(host, log);
      controller.prewarm();
      assert.match(log.lines.join('\n'), /could not start a spare engine host: EAGAIN/);
      await runOnce(controller);
      assert.equal(pids().length >= 1, true);
      await controller.dispose();
      assert.ok(await waitFor(() => pids().every((p) => !alive(p))), 'every host stopped');
    });
  });

  it('lists descendants from a parent map', () => {
    const parents = new Map([[10, 1], [11, 10], [12, 11], [13, 10], [20, 1]]);
    assert.deepEqual(descendantsOf(10, parents).sort(), [11, 12, 13]);
    assert.deepEqual(descendantsOf(99, parents), []);
  });

  it('never signals pid 0, 1 or a missing pid', async () => {
    await killProcessTree(undefined);
    await killProcessTree(1);
    await killProcessTree(0);
  });

  const realHost = resolve(__dirname, '../../../dist/engineHost.js');
  it('a closed panel lets the host stop its runs: even a process that left the tree ends', async function () {
    if (!existsSync(realHost) || process.platform !== 'linux') this.skip(); // the sweep reads /proc
    this.timeout(60_000);
    const fixtures = privateFixtures('doublefork.mjs');
    const pidFile = join(fixtures, 'grandchild.pid');
    const controller = new RunController(realHost, quietLog());
    const run = controller.start(
      { scenario: 'race', runtime: 'node', params: { lock: 'on' }, programPath: join(fixtures, 'doublefork.mjs'), extensionRoot: resolve(__dirname, '../../..') },
      () => undefined,
    );
    assert.ok(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== ''), 'the grandchild started');
    const orphan = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(orphan));
    controller.stop();
    const outcome = await run.done;
    assert.equal(outcome.ok, false);
    assert.ok(await waitFor(() => !alive(orphan), STOP_GRACE_MS + 5000), `pid ${orphan} outlived the run`);
    await controller.dispose();
  });

  it('runs a real scenario through dist/engineHost.js', async function () {
    if (!existsSync(realHost)) this.skip();
    this.timeout(60_000);
    const controller = new RunController(realHost, quietLog());
    const outcome = await controller.start(
      { ...spec, params: { scale: 0.2 }, extensionRoot: resolve(__dirname, '../../..') },
      () => undefined,
    ).done;
    assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.kind}: ${outcome.message}\n${outcome.output ?? ''}`);
    if (outcome.ok) {
      assert.equal(outcome.trace.scenario, 'download');
      assert.ok(outcome.trace.variants.length >= 2);
    }
    await controller.dispose();
  });
});
