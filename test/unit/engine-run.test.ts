import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkTrace } from '../../src/shared/traceCheck';
import type { Trace } from '../../src/shared/trace';
import { RunError } from '../../src/engine/errors';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { isAlive } from '../../src/engine/processTree';
import { schedstatAvailable } from '../../src/engine/sampler';
import { runScenario, type RunScenarioOptions } from '../../src/engine/runScenario';
import { privateFixtures, processesMentioning, waitFor } from '../fixtures/engine/procs';

const root = findPackageRoot(__dirname)!;
const fixture = (name: string): string => path.join(root, 'test', 'fixtures', 'engine', name);

function run(program: string, scenario: string, params: Record<string, unknown>, opts: RunScenarioOptions = {}): Promise<Trace> {
  return runScenario(scenario, params, { runtime: 'node', extensionRoot: root, programPath: fixture(program), ...opts });
}

async function failure(p: Promise<unknown>): Promise<RunError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RunError, `expected a RunError, got ${String(e)}`);
    return e;
  }
  assert.fail('the run should have failed');
}

const pidsIn = (output: string | undefined): number[] => [...(output ?? '').matchAll(/^PID (\d+)$/gm)].map((m) => Number(m[1]));

/** Every pid gone (zombies count as gone: they no longer run). */
async function assertAllGone(pids: number[]): Promise<void> {
  const deadline = Date.now() + 3000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(pids.filter(isAlive), [], 'no process of the run may survive it');
}

describe('engine runs (fixture programs)', () => {
  it('runs one program per variant and builds traces that pass checkTrace', async () => {
    const trace = await run('good.mjs', 'race', { lock: 'both' });
    assert.deepEqual(trace.variants.map((v) => v.id), ['no-lock', 'lock']);
    assert.deepEqual(checkTrace(trace), []);
    const v = trace.variants[0];
    assert.deepEqual(v.lanes.map((l) => l.name), ['MainThread', 'Worker-1', 'Daemon-1']);
    assert.deepEqual(v.outcome, { expected: 100, actual: 100, ok: true });
    assert.deepEqual(v.marks.filter((m) => m.kind === 'killed').map((m) => m.lane), [2], 'the daemon lane is cut off at exit');
    assert.ok(v.spans.some((s) => s.lane === 1 && s.state === 'lock-wait'));
    assert.ok(v.wallUs > 0 && v.spans.every((s) => s.end <= v.wallUs * 1.5));
    assert.equal(trace.skippedEvents, 0);
    if (schedstatAvailable()) assert.equal(trace.env.stateMethod, 'schedstat');
  });

  it('counts garbage on the channel and still succeeds', async () => {
    const trace = await run('garbage.mjs', 'race', { lock: 'on' });
    assert.equal(trace.variants.length, 1);
    assert.equal(trace.skippedEvents, 5); // 4 bad lines + 1 over-long; the wrong-token connection is not the program's
    assert.deepEqual(trace.variants[0].lanes.map((l) => l.name), ['Main']);
    assert.deepEqual(checkTrace(trace), []);
  });

  it('reports a crash with the program output and the partial trace', async () => {
    const e = await failure(run('crash.mjs', 'race', {}));
    assert.equal(e.kind, 'crashed');
    assert.match(e.message, /exited with code 1/);
    assert.match(e.output ?? '', /Traceback: boom/);
    assert.equal(e.trace?.variants.length, 1, 'stops at the first failing variant');
    assert.equal(e.trace?.variants[0].lanes[0].name, 'MainThread');
    assert.match(e.trace?.variants[0].error ?? '', /exited/);
    assert.deepEqual(checkTrace(e.trace!), []);
  });

  it('times out a hung program, keeps its lanes as they were and leaves no process', async () => {
    // long enough for the fixture to start and report even on a loaded machine
    const e = await failure(run('hang.mjs', 'race', { lock: 'on' }, { timeoutMs: 3000 }));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /timed out after 3 s — a deadlock\?/);
    const v = e.trace!.variants[0];
    assert.deepEqual(v.lanes.map((l) => l.name), ['MainThread', 'Thread-1']);
    assert.ok(v.spans.filter((s) => s.state === 'lock-wait').length === 2);
    assert.equal(v.marks.filter((m) => m.kind === 'killed').length, 2);
    assert.deepEqual(checkTrace(e.trace!), []);
    const pids = pidsIn(e.output);
    assert.equal(pids.length, 1);
    await assertAllGone(pids);
  });

  it('cancel stops the program and its grandchildren (in and out of its process group)', async () => {
    const abort = new AbortController();
    const dir = privateFixtures('grandchild.mjs');
    const started = Date.now();
    const p = runScenario('race', { lock: 'on' }, { runtime: 'node', extensionRoot: root, programPath: path.join(dir, 'grandchild.mjs'), signal: abort.signal });
    // the program and its detached grandchild mention the folder; give them time to print their pids
    assert.ok(await waitFor(() => processesMentioning(dir).length >= 2), 'program and grandchild started');
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    const e = await failure(p);
    fs.rmSync(dir, { recursive: true });
    assert.equal(e.kind, 'cancelled');
    const pids = pidsIn(e.output);
    assert.equal(pids.length, 3, `three pids printed, got ${e.output}`);
    await assertAllGone(pids);
    assert.ok(Date.now() - started < 30_000);
  });

  it('a timeout also stops grandchildren', async () => {
    const e = await failure(run('grandchild.mjs', 'race', { lock: 'on' }, { timeoutMs: 3000 }));
    assert.equal(e.kind, 'timeout');
    const pids = pidsIn(e.output);
    assert.equal(pids.length, 3, `three pids printed, got ${e.output}`);
    await assertAllGone(pids);
  });

  it('reaps what a program leaves behind after a normal exit', async () => {
    let pids: number[] = [];
    await run('grandchild.mjs', 'race', { lock: 'on', tasks: 1 }, { onProgramDone: (r) => (pids = pidsIn(r.output)) });
    assert.equal(pids.length, 3);
    await assertAllGone(pids);
  });

  it('traces a program that never speaks the protocol through the preload', async () => {
    // Node programs are plain code: the engine preloads the automatic tracer (only a program that
    // reads CLAB_TRACE itself, like the other fixtures here, runs without it).
    const trace = await run('silent.mjs', 'race', { lock: 'on' });
    assert.deepEqual(trace.variants[0].lanes.map((l) => l.name), ['main (silent.mjs)']);
    assert.match(trace.variants[0].output?.map((o) => o.text).join('') ?? '', /without labtrace/);
  });

  it('lists every bad parameter and refuses an unknown scenario', async () => {
    const e = await failure(run('good.mjs', 'race', { threads: 0, tasks: 'x', colour: 1 }));
    assert.equal(e.kind, 'bad-params');
    assert.match(e.message, /threads.*; tasks.*; unknown parameter "colour"/);
    assert.equal((await failure(run('good.mjs', 'nope', {}))).kind, 'bad-params');
  });

  it('an aborted signal before the start rejects as cancelled without running anything', async () => {
    const abort = new AbortController();
    abort.abort();
    assert.equal((await failure(run('good.mjs', 'race', {}, { signal: abort.signal }))).kind, 'cancelled');
  });

  (schedstatAvailable() ? it : it.skip)('measures core-wait when processes outnumber the cores', async function () {
    this.timeout(60_000);
    const cores = Math.max(1, os.cpus().length);
    const readyShare = async (n: number): Promise<number> => {
      const t = await run('oversubscribe.mjs', 'gil', { threads: n });
      const v = t.variants[0];
      const workers = new Set(v.lanes.filter((l) => l.kind === 'process').map((l) => l.id));
      assert.equal(workers.size, n);
      assert.deepEqual(checkTrace(t), []);
      const sum = (state: string): number => v.spans.filter((s) => workers.has(s.lane) && s.state === state).reduce((a, s) => a + s.end - s.start, 0);
      // the processes together cannot run more than the cores allow
      assert.ok(sum('running') <= cores * v.wallUs * 1.1, `running ${sum('running')} > ${cores} × wall ${v.wallUs}`);
      // a Node process has no GIL: its off-CPU time is never gil-wait
      assert.equal(sum('gil-wait'), 0);
      return sum('core-wait') / (sum('core-wait') + sum('running'));
    };
    const quiet = os.loadavg()[0] < cores * 0.75; // sampled before our own load
    const crowded = await readyShare(cores * 2);
    const alone = await readyShare(1);
    // n busy processes on c cores wait at least 1 − c/n of the time (other load only adds to it)
    assert.ok(crowded > 1 - cores / (cores * 2) - 0.15, `core-wait share with ${cores * 2} processes: ${crowded.toFixed(2)}`);
    // a lone process waits far less, unless other jobs keep the cores busy
    if (quiet) assert.ok(crowded > alone + 0.1, `crowded ${crowded.toFixed(2)} vs alone ${alone.toFixed(2)}`);
    else console.log(`      busy machine: core-wait share crowded ${crowded.toFixed(2)}, alone ${alone.toFixed(2)} (not compared)`);
  });
});
