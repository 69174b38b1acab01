/**
 * The lesson's claims, measured through the engine on the Node programs: threads overlap waits,
 * a race loses updates and a lock fixes it, workers and processes use several cores, daemon
 * workers die with the main thread, a bigger pool helps until the tasks run out. Timing claims are
 * ratios with margins: this machine may have two noisy cores.
 */
import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import { runScenario } from '../../src/engine/index';
import type { Trace, Variant } from '../../src/shared/trace';
import { checkTrace } from '../../src/shared/traceCheck';

const ROOT = path.resolve(__dirname, '../../..');

async function run(scenario: string, params: Record<string, unknown>): Promise<Trace> {
  const trace = await runScenario(scenario, params, { runtime: 'node', extensionRoot: ROOT, timeoutMs: 90_000 });
  assert.deepEqual(checkTrace(trace), [], `${scenario}: the trace holds its invariants`);
  assert.equal(trace.runtime, 'node');
  return trace;
}

function variant(trace: Trace, id: string): Variant {
  const v = trace.variants.find((x) => x.id === id);
  assert.ok(v, `variant ${id} in ${trace.variants.map((x) => x.id).join(', ')}`);
  return v;
}

/** When a lane stopped doing anything: the end of its last span that is not `done`. */
function laneEndUs(v: Variant, lane: number): number {
  return Math.max(...v.spans.filter((s) => s.lane === lane && s.state !== 'done').map((s) => s.end));
}

const ratio = (a: Variant, b: Variant): number => a.wallUs / b.wallUs;

/** The most lanes in `state` at one moment. */
function maxOverlap(v: Variant, state: string): number {
  const edges = v.spans
    .filter((s) => s.state === state)
    .flatMap((s) => [
      [s.start, 1],
      [s.end, -1],
    ])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]); // at a tie, an end goes before a start
  let now = 0;
  let most = 0;
  for (const [, delta] of edges) most = Math.max(most, (now += delta));
  return most;
}

/**
 * Why a speedup cannot be judged, if the run itself shows it: the lanes spent a good share of their
 * CPU-wanting time in `core-wait` (runnable, no free core) because other programs held the cores.
 */
function contention(trace: Trace, v: Variant): string | undefined {
  if (trace.env.stateMethod !== 'schedstat') return busyMachine();
  let running = 0;
  let ready = 0;
  for (const s of v.spans) {
    if (s.state === 'running') running += s.end - s.start;
    if (s.state === 'core-wait') ready += s.end - s.start;
  }
  const share = ready / Math.max(1, running + ready);
  return share > 0.2 ? `its lanes waited for a core ${(share * 100).toFixed(0)}% of the time (a busy machine)` : undefined;
}

/** More runnable work than cores: timings then say more about the neighbours than about us. */
function busyMachine(): string | undefined {
  const [load] = os.loadavg();
  const cores = os.availableParallelism();
  return load > cores ? `load average ${load.toFixed(1)} on ${cores} cores leaves no free core to measure` : undefined;
}

describe('Node scenarios through the engine', function () {
  this.timeout(240_000);

  it('download: one worker per download takes about the longest, not the sum', async () => {
    let best = Infinity;
    for (let attempt = 0; attempt < 3 && best > 0.6; attempt++) {
      const busy = busyMachine(); // a worker's start-up, part of its time, stretches on a busy machine
      const trace = await run('download', { tasks: 4, scale: 1.5 });
      const sequential = variant(trace, 'sequential');
      for (const id of ['threads', 'subclass']) {
        const threaded = variant(trace, id);
        assert.equal(threaded.lanes.filter((l) => l.kind === 'worker').length, 4);
        assert.ok(maxOverlap(threaded, 'sleeping') >= 2, `${id}: downloads in flight together`);
        if (busy) console.log(`    ${id}: time not judged: ${busy}`);
        else best = Math.min(best, ratio(threaded, sequential));
      }
      assert.equal(maxOverlap(sequential, 'sleeping'), 1, 'sequential: one download at a time');
      if (busy) break; // more runs would be just as busy
    }
    if (best !== Infinity) assert.ok(best <= 0.6, `threaded / sequential wall time: best ${best.toFixed(2)} in 3 runs`);
  });

  it('race: without the lock updates get lost; with it the balance is exact', async () => {
    let lost: Variant | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      lost = variant(await run('race', { lock: 'off' }), 'no-lock');
      if (lost.outcome?.ok === false) break; // an exact balance by luck: try again
    }
    assert.equal(lost?.outcome?.expected, 100);
    assert.ok(Number(lost?.outcome?.actual) < 100, `balance ${lost?.outcome?.actual}`);
    assert.equal(lost?.outcome?.ok, false);

    const locked = variant(await run('race', { lock: 'on', threads: 8, tasks: 40 }), 'lock');
    assert.deepEqual(locked.outcome, { expected: 40, actual: 40, ok: true });
    assert.ok(locked.spans.some((s) => s.state === 'lock-wait' && locked.lanes[s.lane].kind === 'worker'), 'workers waited for the lock');
    assert.equal(locked.marks.filter((m) => m.kind === 'acquire').length, 40);
  });

  for (const scenario of ['parallel', 'gil']) {
    it(`${scenario}: workers and processes run CPU-bound tasks faster than one thread`, async function () {
      const cores = os.availableParallelism();
      if (cores < 2) this.skip(); // one core: nothing can run in parallel, so there is no speedup to see
      // Noise from neighbours only ever slows a run down, so the best of a few runs is the fair one.
      const best = new Map<string, number>();
      for (let attempt = 0; attempt < 3; attempt++) {
        const trace = await run(scenario, { threads: 2, scale: 1.5 });
        const sequential = variant(trace, 'sequential');
        assert.equal(variant(trace, 'processes').lanes.filter((l) => l.kind === 'process').length, 2, 'children have lanes');
        for (const id of ['workers', 'processes']) {
          const side = variant(trace, id);
          const busy = contention(trace, side);
          if (busy) console.log(`    ${id}: run ${attempt + 1} not judged: ${busy}`);
          else best.set(id, Math.max(best.get(id) ?? 0, ratio(sequential, side)));
        }
        if ([...best.values()].filter((s) => s > 1.3).length === 2) break;
      }
      if (best.size === 0) this.skip(); // pending, not passed: no run was measured fairly
      for (const [id, speedup] of best) assert.ok(speedup > 1.3, `${id}: best speedup ${speedup.toFixed(2)} in 3 runs`);
    });
  }

  it('daemon: daemon workers are killed when main ends; non-daemon ones run on to their end', async () => {
    const trace = await run('daemon', { threads: 2, scale: 1 });
    const cut = variant(trace, 'daemon');
    const cutMain = cut.lanes.find((l) => l.kind === 'main');
    assert.ok(cutMain);
    const mainEnd = laneEndUs(cut, cutMain.id);
    const daemons = cut.lanes.filter((l) => l.daemon === true);
    assert.equal(daemons.length, 2);
    for (const lane of daemons) {
      const killed = cut.marks.find((m) => m.lane === lane.id && m.kind === 'killed');
      assert.ok(killed, `${lane.name} was killed`);
      assert.ok(Math.abs(killed.at - mainEnd) < 300_000, `${lane.name} killed at ${killed.at} µs, main ended at ${mainEnd} µs`);
    }

    const kept = variant(trace, 'non-daemon');
    const keptMain = kept.lanes.find((l) => l.kind === 'main');
    assert.ok(keptMain);
    const keptMainEnd = laneEndUs(kept, keptMain.id);
    const workers = kept.lanes.filter((l) => l.kind === 'worker');
    assert.equal(workers.length, 2);
    assert.ok(!kept.marks.some((m) => m.kind === 'killed'), 'nothing killed');
    for (const lane of workers) {
      assert.ok(laneEndUs(kept, lane.id) > keptMainEnd * 1.5, `${lane.name} ran on after main (main ended at ${keptMainEnd} µs)`);
    }
    assert.ok(kept.wallUs > cut.wallUs * 1.5, 'the program waited for its non-daemon workers');
  });

  it('pool: time falls as the pool grows, until there are more workers than tasks', async () => {
    const busy = busyMachine(); // worker start-up (part of a pool's time) stretches on a busy machine
    const trace = await run('pool', { tasks: 4, pools: [1, 2, 4, 8], scale: 2 });
    const [p1, p2, p4, p8] = ['pool-1', 'pool-2', 'pool-4', 'pool-8'].map((id) => variant(trace, id));
    if (busy) console.log(`    timing claims skipped: ${busy}`);
    else {
      assert.ok(ratio(p1, p2) > 1.4, `pool of 1 ${p1.wallUs} µs vs 2 ${p2.wallUs} µs`);
      assert.ok(ratio(p2, p4) > 1.2, `pool of 2 ${p2.wallUs} µs vs 4 ${p4.wallUs} µs`);
      assert.ok(ratio(p8, p4) > 0.8, `pool of 8 (${p8.wallUs} µs) cannot beat 4 (${p4.wallUs} µs) by much: 4 tasks`);
    }
    const withTasks = new Set(p8.marks.filter((m) => m.kind === 'task').map((m) => m.lane));
    // A worker that boots late may find the queue empty; one that boots early may take two tasks.
    assert.ok(withTasks.size <= 4, `${withTasks.size} workers got tasks: at least four of the eight never get one`);
    assert.equal(p8.lanes.filter((l) => l.kind === 'worker').length, 8);
    assert.ok(p1.spans.some((s) => s.state === 'idle'), 'idle shows between tasks');
  });
});
