/**
 * The lesson's Python programs run on their own (no engine, CLAB_TRACE unset) and print what the
 * lesson prints. Durations are shrunk with --scale; the timing claims are ratios with wide margins.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROGRAMS_DIR, runPython, secondsAfter } from '../fixtures/python/pythonHarness';

describe('python programs, untraced (python3 file.py --scale 0.2)', function () {
  this.timeout(60_000);

  it('download.py: three downloads one by one, then on threads, then a Thread subclass', async () => {
    const run = await runPython('download.py', ['--scale', '0.4']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.match(/^== .* ==$/gm), ['== Sequential ==', '== Thread(target=…) ==', '== Thread subclass ==']);
    for (const name of ['Python从入门到住院.pdf', 'MySQL从删库到跑路.avi', 'Linux从精通到放弃.mp4']) {
      assert.equal(run.stdout.split(`Start downloading ${name}.`).length - 1, 3, name);
      assert.equal(run.stdout.split(`${name} downloaded in`).length - 1, 3, name);
    }
    const [sequential, threads, subclass] = secondsAfter(run.stdout, 'Total:');
    // sequential ≈ sum of three 0.12–0.28 s sleeps; threaded ≈ the longest one
    assert.ok(threads < sequential * 0.75 && subclass < sequential * 0.75, run.stdout);
  });

  it('daemon.py: daemon printers stop with main, non-daemon ones outlive it', async () => {
    const run = await runPython('daemon.py', ['--scale', '0.5']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /== daemon=True ==\n(Ping|Pong)+\nMain thread ends: the daemon threads end with it\./);
    assert.match(run.stdout, /== daemon=False ==\n(Ping|Pong)+\nMain thread ends: the interpreter waits for the non-daemon threads\.\.\.\n(Ping|Pong)+/);
    const [daemonRun, nonDaemonRun] = secondsAfter(run.stdout, 'Program ran for');
    // main sleeps 0.5 s in both; the non-daemon printers stop at 1 s. Interpreter start-up is in
    // both totals, so compare the difference (0.5 s expected) rather than the ratio.
    assert.ok(nonDaemonRun - daemonRun > 0.25, `daemon ${daemonRun} s, non-daemon ${nonDaemonRun} s`);
  });

  it('race.py: lost updates without the lock, the exact balance with it', async () => {
    const run = await runPython('race.py', ['--scale', '0.5']);
    assert.equal(run.code, 0, run.stderr);
    const balances = [...run.stdout.matchAll(/Balance: (\d+) \(expected 100\)/g)].map((m) => Number(m[1]));
    assert.equal(balances.length, 2, run.stdout);
    assert.ok(balances[0] < 100, `no lock: ${balances[0]}`);
    assert.equal(balances[1], 100);
  });

  it('race.py --lock on runs only the locked variant', async () => {
    const run = await runPython('race.py', ['--lock', 'on', '--tasks', '20', '--scale', '0.2']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.match(/^== .* ==$/gm), ['== With a lock ==']);
    assert.match(run.stdout, /Balance: 20 \(expected 20\)/);
  });

  it('pool.py: every task done once per pool, and bigger pools finish sooner', async () => {
    const run = await runPython('pool.py', ['--scale', '0.5', '--pools', '1,4']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.match(/task \d done in/g)?.length, 16);
    const [one, four] = secondsAfter(run.stdout, 'Total:');
    assert.ok(four < one * 0.5, `pool of 1: ${one} s, pool of 4: ${four} s`);
  });

  it('gil.py: reports the GIL and the switch interval, then three timed variants', async () => {
    const run = await runPython('gil.py', ['--scale', '0.2']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Python 3\.\d+\.\d+, GIL enabled: (True|False), switch interval: 5\.0 ms$/m);
    // two threads printing at once may share a line: count the reports, not the lines
    assert.equal(run.stdout.match(/task \d: [0-9.]+ s/g)?.length, 6);
    assert.match(run.stdout, /^Threads: [0-9.]+ s, [0-9.]+x sequential$/m);
    assert.match(run.stdout, /^Processes: [0-9.]+ s, [0-9.]+x sequential$/m);
  });

  it('parallel.py: tells interleaving from overlap by the cores kept busy', async () => {
    const run = await runPython('parallel.py', ['--scale', '0.2', '--variant', 'threads']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Threads: [0-9.]+ s \([0-9.]+ s to start\), [0-9.]+ cores busy while the tasks ran -> concurrency without parallelism/m);
  });

  for (const method of ['fork', 'spawn', 'forkserver']) {
    it(`parallel.py: the processes report their own CPU time under ${method}`, async () => {
      // Under spawn and forkserver a finished child's CPU is missing from the parent's os.times();
      // the tasks measure their own, so the cores-busy figure is not near zero.
      const run = await runPython('-c', [
        `import multiprocessing, runpy, sys; multiprocessing.set_start_method('${method}'); sys.argv = ['parallel.py', '--scale', '0.3', '--variant', 'processes']; runpy.run_path('parallel.py', run_name='__main__')`,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const m = /^Processes: [0-9.]+ s \([0-9.]+ s to start\), ([0-9.]+) cores busy while the tasks ran/m.exec(run.stdout);
      assert.ok(m, run.stdout);
      assert.ok(Number(m[1]) > 0.7, `${m[1]} cores busy: the children CPU time was counted (two tasks keep at least one core busy while they run)`);
    });
  }

  it('every program accepts the flags the engine gives its scenario, and imports no tracer', async () => {
    const flags: Record<string, string[]> = {
      download: ['--variant', 'threads', '--tasks', '2', '--scale', '0.1'],
      daemon: ['--variant', 'daemon', '--threads', '2', '--scale', '0.1'],
      race: ['--variant', 'lock', '--threads', '2', '--tasks', '2', '--lock', 'both', '--scale', '0.1'],
      pool: ['--variant', 'pool-2', '--tasks', '2', '--pools', '1,2', '--scale', '0.1'],
      gil: ['--variant', 'threads', '--threads', '2', '--scale', '0.1'],
      parallel: ['--variant', 'sequential', '--threads', '2', '--scale', '0.1'],
    };
    const runs = await Promise.all(Object.entries(flags).map(([p, args]) => runPython(`${p}.py`, args)));
    runs.forEach((run, i) => assert.equal(run.code, 0, `${Object.keys(flags)[i]}: ${run.stderr}`));
    for (const p of Object.keys(flags)) {
      const text = fs.readFileSync(path.join(PROGRAMS_DIR, `${p}.py`), 'utf8');
      assert.doesNotMatch(text, /labtrace|\btrace\./, `${p}.py is plain lesson code`);
    }
  });
});
