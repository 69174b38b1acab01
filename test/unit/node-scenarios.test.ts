/**
 * The lesson's claims, measured through the engine on the Node programs: threads overlap waits,
 * a race loses updates and a lock fixes it, workers and processes use several cores, daemon
 * workers die with the main thread, a bigger pool helps until the tasks run out. The programs are
 * plain lesson code: everything below comes from the preload, the variant runs the engine starts
 * and the balance the race prints. Timing claims are ratios with margins: this machine may have two
 * noisy cores.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
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

/**
 * A variant's time from its first worker's start: each variant is a whole process run, and Node's
 * own start-up (the same for every variant) would blur a ratio.
 */
function ownTime(v: Variant): number {
  const starts = v.spans.filter((s) => v.lanes[s.lane].kind === 'worker').map((s) => s.start);
  return v.wallUs - Math.min(...starts);
}

/** How many workers were in `state` at once on average while any was: the sum of their spans over
 *  the time covered by at least one. */
function concurrency(v: Variant, state: string): number {
  const spans = onWorkers(v, state).sort((a, b) => a.start - b.start);
  let sum = 0;
  let union = 0;
  let reach = -Infinity;
  for (const s of spans) {
    sum += s.end - s.start;
    union += Math.max(0, s.end - Math.max(s.start, reach));
    reach = Math.max(reach, s.end);
  }
  return sum / Math.max(1, union);
}

const workersNamed = (v: Variant): string[] => v.lanes.filter((l) => l.kind === 'worker').map((l) => l.name);

/**
 * The time a CPU-bound variant took for its tasks, as the program timed them and printed them
 * (`  workers: 1.234 s`): each variant is a process of its own, and Node's start-up (the same for
 * every variant, and no part of the lesson's comparison) is left out, as the lesson's own figure.
 */
function workTime(v: Variant): number {
  const printed = (v.output ?? []).filter((o) => o.stream === 'stdout').map((o) => o.text).join('');
  const seconds = Number(new RegExp(`^ {2}${v.id}: ([\\d.]+) s`, 'm').exec(printed)?.[1]);
  assert.ok(seconds > 0, `${v.id} printed its time: ${printed}`);
  return seconds;
}

/** Spans in `state` on worker lanes. */
const onWorkers = (v: Variant, state: string) => v.spans.filter((s) => s.state === state && v.lanes[s.lane].kind === 'worker');

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
    const lockLine = fs.readFileSync(path.join(ROOT, 'media/programs/node/race.mjs'), 'utf8').split('\n').findIndex((l) => l.includes('Atomics.wait(this.cells, SERVING')) + 1;
    assert.ok(onWorkers(locked, 'lock-wait').some((s) => s.where === `race.mjs:${lockLine}`), 'workers waited for the lock, where the program waits');
    // The pause of each deposit is a sleep inside the lock: 40 of them, never two at once. (The
    // threads of one process share one clock offset, so their spans keep their true order.)
    assert.equal(onWorkers(locked, 'sleeping').length, 40);
    assert.equal(maxOverlap({ ...locked, spans: onWorkers(locked, 'sleeping') }, 'sleeping'), 1, 'one worker at a time holds the lock');
    const many = concurrency(lost!, 'sleeping');
    assert.ok(many > 2, `without it, deposits overlap: ${many.toFixed(2)} pauses at once`);
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
          else best.set(id, Math.max(best.get(id) ?? 0, workTime(sequential) / workTime(side)));
        }
        if ([...best.values()].filter((s) => s > 1.3).length === 2) break;
      }
      if (best.size === 0) this.skip(); // pending, not passed: no run was measured fairly
      for (const [id, speedup] of best) assert.ok(speedup > 1.3, `${id}: best speedup ${speedup.toFixed(2)} in 3 runs`);
    });
  }

  it('daemon: daemon workers are killed when main ends; non-daemon ones run on to their end', async () => {
    const trace = await run('daemon', { threads: 2, scale: 1 });
    assert.deepEqual(trace.variants.map((v) => v.id), ['daemon', 'non-daemon'], 'one process run per variant');
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
    // Node's main thread lives as long as its process: its own work (a 1 s sleep) is over when it
    // starts waiting for the ref’d workers that keep the process alive (the program awaits nothing).
    const mainSpans = kept.spans.filter((s) => s.lane === keptMain.id);
    const slept = Math.max(...mainSpans.filter((s) => s.state === 'sleeping').map((s) => s.end));
    const implicitJoin = mainSpans.find((s) => s.state === 'join-wait' && s.start >= slept);
    assert.ok(implicitJoin, 'main waits for its non-daemon workers');
    assert.ok(workersNamed(kept).includes(implicitJoin.note ?? ''), `the wait names a worker: ${implicitJoin.note}`);
    const workers = kept.lanes.filter((l) => l.kind === 'worker');
    assert.equal(workers.length, 2);
    assert.ok(workers.every((l) => l.daemon === undefined));
    assert.ok(!kept.marks.some((m) => m.kind === 'killed'), 'nothing killed');
    const firstWorker = Math.min(...kept.spans.filter((s) => kept.lanes[s.lane].kind === 'worker').map((s) => s.start));
    for (const lane of workers) {
      const end = laneEndUs(kept, lane.id);
      assert.ok(end - firstWorker > (implicitJoin.start - firstWorker) * 1.5, `${lane.name} ran on after main (main's work ended at ${implicitJoin.start} µs, the worker at ${end} µs)`);
    }
    assert.ok(ownTime(kept) > ownTime(cut) * 1.5, 'the program waited for its non-daemon workers');
  });

  it('pool: time falls as the pool grows, until there are more workers than tasks', async () => {
    const busy = busyMachine(); // worker start-up (part of a pool's time) stretches on a busy machine
    const trace = await run('pool', { tasks: 4, pools: [1, 2, 4, 8], scale: 2 });
    const [p1, p2, p4, p8] = ['pool-1', 'pool-2', 'pool-4', 'pool-8'].map((id) => variant(trace, id));
    if (busy) console.log(`    timing claims skipped: ${busy}`);
    else {
      const [t1, t2, t4, t8] = [p1, p2, p4, p8].map(ownTime);
      assert.ok(t1 / t2 > 1.4, `pool of 1 ${t1} µs vs 2 ${t2} µs from the first worker`);
      assert.ok(t2 / t4 > 1.2, `pool of 2 ${t2} µs vs 4 ${t4} µs from the first worker`);
      assert.ok(t8 / t4 > 0.8, `pool of 8 (${t8} µs) cannot beat 4 (${t4} µs) by much: 4 tasks`);
    }
    // Each task is one sleep on the worker that took it.
    assert.equal(onWorkers(p8, 'sleeping').length, 4);
    const withTasks = new Set(onWorkers(p8, 'sleeping').map((s) => s.lane));
    // A worker that boots late may find the queue empty; one that boots early may take two tasks.
    assert.ok(withTasks.size <= 4, `${withTasks.size} workers got tasks: at least four of the eight never get one`);
    assert.equal(p8.lanes.filter((l) => l.kind === 'worker').length, 8);
    assert.ok(p1.spans.some((s) => s.state === 'idle'), 'idle shows between tasks');
  });
});
