/**
 * labtrace.py's explicit API against a tiny collector, without the bootstrap on the path (so the
 * automatic tracer is not loaded; python-auto.test.ts covers that): the handshake, lanes that carry
 * pid and native tid, the states the programs declare, variant ends, child processes that connect on
 * their own, and daemon lanes left open when the interpreter exits.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { installedPythons, PROGRAMS_DIR, PYTHON_FIXTURES, runPython, TinyCollector, type Connection, type JsonEvent } from '../fixtures/python/pythonHarness';

/** The lesson programs as written for the explicit API (the shipped ones are plain code now). */
const ANNOTATED = path.join(PYTHON_FIXTURES, 'annotated');
const explicitEnv = { PYTHONPATH: PROGRAMS_DIR };

const ofKind = (events: JsonEvent[], k: string): JsonEvent[] => events.filter((e) => e.k === k);

async function traced(program: string, args: string[], python?: string): Promise<{ connections: Connection[]; stdout: string; stderr: string; code: number | null }> {
  const collector = await TinyCollector.start();
  try {
    const run = await runPython(program, args, { ...collector.env(), ...explicitEnv }, 60_000, python, { cwd: ANNOTATED });
    await new Promise((r) => setTimeout(r, 100)); // the last bytes may trail the exit slightly
    return { connections: collector.connections, ...run };
  } finally {
    await collector.close();
  }
}

describe('python tracer (labtrace.py) on the event channel', function () {
  this.timeout(60_000);

  it('says hello with the token, then answers sync with its clock readings', async () => {
    const run = await traced('download.py', ['--variant', 'threads', '--scale', '0.2']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.connections.length, 1);
    const [hello, clock] = run.connections[0].events;
    assert.equal(hello.k, 'hello');
    assert.equal(hello.token, 'tok3n');
    assert.equal(hello.runtime, 'python');
    assert.equal(typeof hello.pid, 'number');
    assert.match(String(hello.version), /^3\.\d+\.\d+$/);
    assert.equal(typeof hello.gil, 'boolean');
    assert.equal(clock.k, 'clock');
    assert.equal(clock.te, run.connections[0].syncT);
    assert.ok(Number(clock.t0) <= Number(clock.t1));
    // both clocks are CLOCK_MONOTONIC on Linux: the engine's sync time falls between t0 and t1
    if (process.platform === 'linux') assert.ok(Number(clock.t0) <= Number(clock.te) && Number(clock.te) <= Number(clock.t1));
  });

  it('reports lanes with pid and native tid, declared states, task marks and the variant end', async () => {
    const run = await traced('download.py', ['--variant', 'threads', '--scale', '0.2', '--tasks', '3']);
    const events = run.connections[0].events;
    const pid = Number(events[0].pid);
    const lanes = ofKind(events, 'lane');
    assert.deepEqual(lanes.map((l) => l.kind), ['main', 'thread', 'thread', 'thread']);
    assert.ok(lanes.every((l) => l.pid === pid && typeof l.tid === 'number' && typeof l.t === 'number'));
    assert.equal(new Set(lanes.map((l) => l.tid)).size, 4, 'one OS thread per lane');
    assert.equal(lanes[0].tid, pid, 'the main lane is the main thread');
    const states = ofKind(events, 'state');
    assert.equal(states.filter((s) => s.s === 'io').length, 3);
    assert.ok(states.some((s) => s.lane === lanes[0].lane && s.s === 'lock-wait' && s.note === 'join'));
    assert.ok(states.every((s) => typeof s.c === 'number'), 'thread CPU time rides along as a fallback');
    const marks = ofKind(events, 'mark').filter((m) => m.m === 'task');
    assert.equal(marks.length, 3);
    assert.ok(marks.every((m) => /: \d+\.\d{3} s$/.test(String(m.note))), 'each requested duration is in a note');
    assert.equal(ofKind(events, 'end').length, 4, 'every lane ends');
    const [variant] = ofKind(events, 'variant');
    const [end] = ofKind(events, 'variant-end');
    assert.equal(variant.id, 'threads');
    assert.equal(end.id, 'threads');
    assert.ok(Number(end.wall) > 0 && Number(end.t) >= Number(variant.t));
    // events of one connection are in time order per lane
    for (const lane of lanes) {
      const times = events.filter((e) => e.lane === lane.lane && 't' in e).map((e) => Number(e.t));
      assert.deepEqual(times, [...times].sort((a, b) => a - b));
    }
  });

  it('records lock waits, acquires and releases, and the outcome', async () => {
    const run = await traced('race.py', ['--variant', 'lock', '--tasks', '6', '--threads', '3', '--scale', '0.5']);
    const events = run.connections[0].events;
    const marks = ofKind(events, 'mark');
    assert.equal(marks.filter((m) => m.m === 'acquire').length, 6);
    assert.equal(marks.filter((m) => m.m === 'release').length, 6);
    assert.equal(marks.filter((m) => m.m === 'task').length, 6);
    assert.ok(ofKind(events, 'state').some((s) => s.s === 'lock-wait'));
    assert.ok(ofKind(events, 'state').some((s) => s.s === 'idle'), 'pool workers idle between tasks');
    assert.deepEqual(ofKind(events, 'outcome')[0], { k: 'outcome', expected: 6, actual: 6, ok: true });
  });

  it('traces multiprocessing children on connections of their own, as process lanes', async () => {
    const run = await traced('gil.py', ['--variant', 'processes', '--threads', '2', '--scale', '0.1']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.connections.length, 3);
    const parentPid = run.connections[0].events[0].pid;
    const children = run.connections.slice(1);
    for (const child of children) {
      assert.equal(child.events[0].k, 'hello');
      assert.notEqual(child.events[0].pid, parentPid);
      const [lane] = ofKind(child.events, 'lane');
      assert.equal(lane.kind, 'process');
      assert.equal(lane.pid, child.events[0].pid);
      assert.equal(ofKind(child.events, 'end').length, 1, 'flushed before os._exit');
    }
  });

  it('leaves daemon lanes open when the program exits (the engine marks them killed)', async () => {
    const run = await traced('daemon.py', ['--variant', 'daemon', '--scale', '0.3']);
    const events = run.connections[0].events;
    const daemons = ofKind(events, 'lane').filter((l) => l.daemon === true);
    assert.equal(daemons.length, 2);
    const ended = new Set(ofKind(events, 'end').map((e) => e.lane));
    assert.ok(daemons.every((d) => !ended.has(d.lane)));
    assert.equal(ofKind(events, 'variant-end').length, 1);
  });

  it('ends a non-daemon variant when the interpreter has waited for its threads', async () => {
    const run = await traced('daemon.py', ['--variant', 'non-daemon', '--scale', '0.3']);
    const events = run.connections[0].events;
    const [main] = ofKind(events, 'lane').filter((l) => l.kind === 'main');
    const mainEnd = ofKind(events, 'end').find((e) => e.lane === main.lane)!;
    const [end] = ofKind(events, 'variant-end');
    assert.ok(Number(end.t) - Number(mainEnd.t) > 0.2e9, 'the printers ran on after main ended');
  });

  it('runs untraced, with a warning, when the engine cannot be reached', async () => {
    const run = await runPython('race.py', ['--variant', 'lock', '--tasks', '3', '--scale', '0.1'], { CLAB_TRACE: '127.0.0.1:1:tok', ...explicitEnv }, 60_000, 'python3', { cwd: ANNOTATED });
    assert.equal(run.code, 0);
    assert.match(run.stderr, /labtrace: cannot reach the engine/);
    assert.match(run.stdout, /Balance: 3 \(expected 3\)/);
  });

  describe('on every Python 3.8+ installed here', () => {
    const pythons = installedPythons().filter((p) => !/^3\.[0-7]$|^2\./.test(p.version));
    if (!pythons.length) it('finds none besides python3 (nothing more to check)');
    for (const python of pythons) {
      it(`Python ${python.version}: lock waits, pool tasks and process children are traced`, async () => {
        const race = await traced('race.py', ['--variant', 'lock', '--tasks', '4', '--threads', '2', '--scale', '0.3'], python.path);
        assert.equal(race.code, 0, race.stderr);
        const events = race.connections[0].events;
        assert.equal(events[0].version, `${python.version.replace('t', '')}.${String(events[0].version).split('.')[2]}`);
        if (python.version.endsWith('t')) assert.equal(typeof events[0].gil, 'boolean');
        assert.equal(ofKind(events, 'mark').filter((m) => m.m === 'acquire').length, 4);
        assert.deepEqual(ofKind(events, 'outcome')[0], { k: 'outcome', expected: 4, actual: 4, ok: true });
        const gil = await traced('gil.py', ['--variant', 'processes', '--scale', '0.05'], python.path);
        assert.equal(gil.code, 0, gil.stderr);
        assert.equal(gil.connections.length, 3);
        assert.ok(gil.connections.slice(1).every((c) => ofKind(c.events, 'lane')[0]?.kind === 'process'));
      });
    }
  });
});
