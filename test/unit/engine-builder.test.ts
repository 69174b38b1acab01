import { strict as assert } from 'node:assert';
import type { ProgramEvent } from '../../src/shared/events';
import { checkTrace } from '../../src/shared/traceCheck';
import type { Trace, Variant } from '../../src/shared/trace';
import { carryExcess, splitCpuInterval } from '../../src/engine/cpuSplit';
import type { RunSample } from '../../src/engine/sampler';
import { TraceBuilder, type BuildOptions } from '../../src/engine/traceBuilder';

const MS = 1_000_000;
const fallback = { id: 'fallback', title: 'Fallback' };

type BuildOpts = { exitAt: number; startAt?: number; samples?: Record<string, RunSample[]>; closes?: [number, number][]; killedRun?: boolean } & Partial<Pick<BuildOptions, 'output' | 'exit'>>;

/** Builds on 2 cores, as `asTrace` says. */
function build(events: ProgramEvent[], opts: BuildOpts) {
  const b = new TraceBuilder();
  events.forEach((event, i) => b.add({ event, conn: 'lane' in event && event.lane.startsWith('d') ? 2 : 1, at: i }));
  for (const [conn, at] of opts.closes ?? []) b.connectionClosed(conn, at);
  return b.build({ cpus: 2, ...opts, fallback, samples: (k) => opts.samples?.[k] });
}

const asTrace = (variants: Variant[]): Trace => ({
  schema: 2, scenario: 'gil', runtime: 'node', params: {}, env: { platform: 'linux', cpus: 2, node: 'v20' }, startedAt: '', variants,
});

const total = (v: Variant, lane: number, state: string): number =>
  v.spans.filter((s) => s.lane === lane && s.state === state).reduce((n, s) => n + s.end - s.start, 0);

describe('engine trace builder', () => {
  const T0 = 1_000 * MS;
  const base: ProgramEvent[] = [
    { k: 'lane', lane: 'm', name: 'MainThread', kind: 'main', pid: 1, tid: 1, t: T0 - 1 * MS },
    { k: 'variant', id: 'threads', title: 'Threads', t: T0 },
    { k: 'lane', lane: 'w', name: 'Worker', kind: 'thread', pid: 1, tid: 2, t: T0 + 1 * MS },
    { k: 'lane', lane: 'd', name: 'Ping', kind: 'thread', daemon: true, pid: 1, t: T0 + 2 * MS },
    { k: 'state', lane: 'd', s: 'sleeping', t: T0 + 3 * MS },
    { k: 'state', lane: 'm', s: 'lock-wait', t: T0 + 1 * MS, note: 'join()' },
    { k: 'mark', lane: 'w', m: 'acquire', t: T0 + 5 * MS },
    { k: 'end', lane: 'w', t: T0 + 41 * MS },
    { k: 'state', lane: 'm', s: 'cpu', t: T0 + 41 * MS },
    { k: 'outcome', expected: 100, actual: 37, ok: false },
    { k: 'end', lane: 'm', t: T0 + 45 * MS },
    { k: 'variant-end', id: 'threads', t: T0 + 50 * MS, wall: 50 * MS, cpu: 42 * MS },
  ];
  // the worker ran half of the time: 2 ms of every 4 ms between its start and its end
  const workerSamples: RunSample[] = Array.from({ length: 11 }, (_, i) => ({ t: T0 + (1 + 4 * i) * MS, run: 2 * i * MS, wait: 0 }));

  it('numbers lanes in order of appearance and converts times to µs since the variant event', () => {
    const { variants } = build(base, { exitAt: T0 + 60 * MS, closes: [[2, T0 + 55 * MS]] });
    assert.equal(variants.length, 1);
    const v = variants[0];
    assert.deepEqual(v.lanes.map((l) => [l.id, l.name, l.kind, l.daemon]), [
      [0, 'MainThread', 'main', undefined], [1, 'Worker', 'thread', undefined], [2, 'Ping', 'thread', true],
    ]);
    assert.equal(v.wallUs, 50_000);
    assert.equal(v.cpuUs, 42_000);
    assert.deepEqual(v.outcome, { expected: 100, actual: 37, ok: false });
    const lockWait = v.spans.find((s) => s.lane === 0 && s.state === 'lock-wait');
    assert.deepEqual(lockWait, { lane: 0, state: 'lock-wait', start: 1000, end: 41000, note: 'join()' });
    // the main lane started before the variant event: clipped to 0
    assert.equal(Math.min(...v.spans.filter((s) => s.lane === 0).map((s) => s.start)), 0);
    assert.deepEqual(checkTrace(asTrace(variants)), []);
  });

  it('draws done from a lane end to the variant end, and a killed mark for a daemon still open at exit', () => {
    const { variants } = build(base, { exitAt: T0 + 60 * MS, closes: [[2, T0 + 52 * MS]] });
    const v = variants[0];
    assert.deepEqual(v.spans.filter((s) => s.state === 'done').map((s) => [s.lane, s.start, s.end]), [[0, 45000, 50000], [1, 41000, 50000]]);
    const killed = v.marks.filter((m) => m.kind === 'killed');
    assert.deepEqual(killed, [{ lane: 2, at: 52000, kind: 'killed' }], 'killed when its connection closed, not at exit');
    assert.equal(v.spans.filter((s) => s.lane === 2).at(-1)?.end, 52000);
  });

  it('splits cpu into measured running and, where no reading saw why it was off the CPU, blocked "unknown"', () => {
    const { variants, method } = build(base, { exitAt: T0 + 60 * MS, samples: { w: workerSamples } });
    const v = variants[0];
    assert.equal(method, 'schedstat');
    assert.equal(total(v, 1, 'running'), 20_000);
    assert.equal(total(v, 1, 'blocked'), 20_000);
    assert.equal(total(v, 1, 'gil-wait'), 0, 'never the GIL without a kernel reading that says so');
    assert.ok(v.spans.filter((s) => s.lane === 1 && s.state === 'blocked').every((s) => s.note === 'unknown'));
    assert.ok(v.spans.filter((s) => s.lane === 1 && s.state === 'blocked').length >= 5, 'alternates per sample interval');
    assert.deepEqual(checkTrace(asTrace(variants)), []);
  });

  it('falls back to the thread CPU clock sent as c, then to all-running with method none', () => {
    const withC: ProgramEvent[] = [
      { k: 'variant', id: 'v', title: 'V', t: T0 },
      { k: 'lane', lane: 'a', name: 'A', kind: 'worker', pid: 1, t: T0, c: 0 },
      { k: 'end', lane: 'a', t: T0 + 10 * MS, c: 3 * MS },
      { k: 'variant-end', id: 'v', t: T0 + 10 * MS, wall: 10 * MS },
    ];
    const r1 = build(withC, { exitAt: T0 + 11 * MS });
    assert.equal(r1.method, 'thread-cpu-clock');
    assert.equal(total(r1.variants[0], 0, 'running'), 3000);
    assert.equal(total(r1.variants[0], 0, 'blocked'), 7000);
    assert.equal(r1.variants[0].cpuUs, 3000, 'cpu from the measured running time when the program sent none');
    const noC = withC.map((e) => (e.k === 'lane' || e.k === 'end' ? { ...e, c: undefined } : e));
    const r2 = build(noC, { exitAt: T0 + 11 * MS });
    assert.equal(r2.method, 'none');
    assert.equal(total(r2.variants[0], 0, 'running'), 10_000);
    assert.equal(r2.variants[0].cpuUs, undefined);
  });

  it('merges adjacent same-state spans and keeps spans of a lane ordered and disjoint', () => {
    const ev: ProgramEvent[] = [
      { k: 'variant', id: 'v', title: 'V', t: T0 },
      { k: 'lane', lane: 'a', name: 'A', kind: 'thread', pid: 1, t: T0 },
      { k: 'state', lane: 'a', s: 'sleeping', t: T0 + 1 * MS },
      { k: 'state', lane: 'a', s: 'sleeping', t: T0 + 2 * MS },
      { k: 'state', lane: 'a', s: 'io', t: T0 + 3 * MS },
      { k: 'end', lane: 'a', t: T0 + 4 * MS },
    ];
    const v = build(ev, { exitAt: T0 + 5 * MS }).variants[0];
    assert.deepEqual(v.spans.map((s) => [s.state, s.start, s.end]), [['running', 0, 1000], ['sleeping', 1000, 3000], ['io', 3000, 4000], ['done', 4000, 5000]]);
  });

  it('splits one stream into several variants and kills every open lane of a stopped run', () => {
    const ev: ProgramEvent[] = [
      { k: 'variant', id: 'a', title: 'A', t: T0 },
      { k: 'lane', lane: 'x', name: 'X', kind: 'thread', pid: 1, t: T0 },
      { k: 'end', lane: 'x', t: T0 + 2 * MS },
      { k: 'variant-end', id: 'a', t: T0 + 3 * MS, wall: 3 * MS },
      { k: 'variant', id: 'b', title: 'B', t: T0 + 4 * MS },
      { k: 'lane', lane: 'm', name: 'Main', kind: 'main', pid: 1, t: T0 + 4 * MS },
      { k: 'state', lane: 'm', s: 'lock-wait', t: T0 + 5 * MS },
    ];
    const { variants } = build(ev, { exitAt: T0 + 9 * MS, killedRun: true });
    assert.deepEqual(variants.map((v) => [v.id, v.lanes.map((l) => l.name)]), [['a', ['X']], ['b', ['Main']]]);
    assert.equal(variants[1].wallUs, 5000, 'measured from the variant event to the stop');
    assert.deepEqual(variants[1].marks, [{ lane: 0, at: 5000, kind: 'killed' }]);
    assert.deepEqual(checkTrace(asTrace(variants)), []);
  });

  it('uses the expected variant when the program announced none', () => {
    const ev: ProgramEvent[] = [{ k: 'lane', lane: 'm', name: 'Main', kind: 'main', pid: 1, t: T0 }];
    const v = build(ev, { exitAt: T0 + 2 * MS }).variants[0];
    assert.equal(v.id, 'fallback');
    assert.equal(v.wallUs, 2000);
    assert.deepEqual(v.marks, [], 'a main lane ends with its process: no killed mark');
  });
});

describe('engine cpu split', () => {
  it('carries run time of a late tick into the following intervals', () => {
    // schedstat of a thread running all along, updated only at 4 ms ticks, read every ~1.1 ms
    const segs = [0, 0, 0, 4.4, 0, 0, 0, 4.4].map((run, i) => ({ from: i * 1.1, to: (i + 1) * 1.1, run, wait: 0 }));
    carryExcess(segs);
    const ran = segs.reduce((n, s) => n + s.run, 0);
    assert.ok(Math.abs(ran - 8.8) < 1e-9, `all ${ran} of 8.8 kept`);
    assert.ok(segs.every((s) => Math.abs(s.run - 1.1) < 1e-9), 'every interval full: no false off-CPU slivers');
  });

  it('draws the head before the first reading as running and caps run at the wall time', () => {
    const samples: RunSample[] = [{ t: 2, run: 100, wait: 0 }, { t: 12, run: 150, wait: 0 }];
    const split = splitCpuInterval(0, 10, samples);
    assert.ok(split.pieces.every((p) => p.state === 'running'));
    assert.equal(split.runNs, 10);
    const half = splitCpuInterval(0, 10, [{ t: -1, run: 0, wait: 0 }, { t: 10, run: 5, wait: 0 }]);
    assert.deepEqual(half.pieces, [{ state: 'running', start: 0, end: 5 }, { state: 'blocked', start: 5, end: 10, note: 'unknown' }]);
  });
});

describe('trace invariants', () => {
  it('lists overlaps, unknown lanes and spans past the wall time', () => {
    const v: Variant = {
      id: 'v', title: 'V', wallUs: 1000, lanes: [{ id: 0, name: 'A', kind: 'main' }],
      spans: [
        { lane: 0, state: 'running', start: 0, end: 600 },
        { lane: 0, state: 'gil-wait', start: 500, end: 700 },
        { lane: 3, state: 'running', start: 0, end: 10 },
        { lane: 0, state: 'done', start: 800, end: 10_000_000 },
      ],
      marks: [{ lane: 5, at: 1, kind: 'start' }],
    };
    const problems = checkTrace(asTrace([v]));
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems.join('\n'), /overlaps/);
    assert.match(problems.join('\n'), /no such lane/);
    assert.match(problems.join('\n'), /ends after wallUs/);
  });
});

describe('engine cpu split by the kernel view', () => {
  const futex = (timed: boolean): RunSample['view'] => ({ kind: 'syscall', name: 'futex', timed });
  // 0–10: ran 4, queued 2, off the CPU 4, seen asleep at the reading that closes it
  const readings = (view: RunSample['view']): RunSample[] => [{ t: 0, run: 0, wait: 0 }, { t: 10, run: 4, wait: 2, view }];
  const states = (pieces: { state: string; end: number; start: number; note?: string }[]) => pieces.map((p) => [p.state, p.end - p.start, p.note]);

  it('names run-queue time core-wait and a timed futex wait in a GIL build gil-wait', () => {
    const split = splitCpuInterval(0, 10, readings(futex(true)), undefined, undefined, { runtime: 'python', gil: true });
    assert.deepEqual(states(split.pieces), [['running', 4, undefined], ['core-wait', 2, undefined], ['gil-wait', 4, undefined]]);
  });

  it('never says gil-wait without the GIL, for an untimed futex, or in Node', () => {
    const noGil = splitCpuInterval(0, 10, readings(futex(true)), undefined, undefined, { runtime: 'python', gil: false });
    assert.deepEqual(states(noGil.pieces).at(-1), ['blocked', 4, 'futex']);
    const untimed = splitCpuInterval(0, 10, readings(futex(false)), undefined, undefined, { runtime: 'python', gil: true });
    assert.deepEqual(states(untimed.pieces).at(-1), ['blocked', 4, 'futex']);
    const node = splitCpuInterval(0, 10, readings(futex(true)), undefined, undefined, { runtime: 'node' });
    assert.deepEqual(states(node.pieces).at(-1), ['blocked', 4, 'futex']);
  });

  it('names other system calls, and a Node thread in epoll is its idle event loop', () => {
    const read = splitCpuInterval(0, 10, readings({ kind: 'syscall', name: 'read', timed: false }), undefined, undefined, { runtime: 'python', gil: true });
    assert.deepEqual(states(read.pieces).at(-1), ['blocked', 4, 'read']);
    const epoll = splitCpuInterval(0, 10, readings({ kind: 'syscall', name: 'epoll_wait', timed: false }), undefined, undefined, { runtime: 'node' });
    assert.deepEqual(states(epoll.pieces).at(-1), ['idle', 4, 'event loop']);
  });

  it('ignores the view of a reading taken after the interval ended', () => {
    const late: RunSample[] = [{ t: 0, run: 0, wait: 0 }, { t: 20, run: 4, wait: 0, view: futex(true) }];
    const split = splitCpuInterval(0, 10, late, undefined, undefined, { runtime: 'python', gil: true });
    assert.ok(!split.pieces.some((p) => p.state === 'gil-wait'), JSON.stringify(split.pieces));
  });
});

describe('engine trace builder: program runs (schema 2)', () => {
  const T0 = 5_000 * MS;
  const lockEvents: ProgramEvent[] = [
    { k: 'lane', lane: 'm', name: 'MainThread', kind: 'main', pid: 7, tid: 7, t: T0 + 1 * MS, target: 'main' },
    { k: 'lane', lane: 'a', name: 'Thread-1 (worker)', kind: 'thread', pid: 7, tid: 8, t: T0 + 2 * MS, target: 'worker', where: 'x.py:12' },
    { k: 'lane', lane: 'b', name: 'Thread-2 (worker)', kind: 'thread', pid: 7, tid: 9, t: T0 + 2 * MS },
    { k: 'state', lane: 'm', s: 'join-wait', t: T0 + 3 * MS, note: 'Thread.join', where: 'x.py:20' },
    { k: 'state', lane: 'b', s: 'lock-wait', t: T0 + 4 * MS, obj: 'Lock (x.py:3)', holder: 'a', where: 'x.py:8' },
    { k: 'state', lane: 'a', s: 'lock-wait', t: T0 + 5 * MS, obj: 'Lock (x.py:4)', holder: 'b', where: 'x.py:9' },
    { k: 'stuck', lane: 'a', frames: [{ file: 'x.py', line: 9, func: 'worker' }], obj: 'Lock (x.py:4)', holder: 'b' },
    { k: 'stuck', lane: 'b', frames: [{ file: 'x.py', line: 8, func: 'worker' }], obj: 'Lock (x.py:3)', holder: 'a' },
    { k: 'stuck', lane: 'm', frames: [{ file: 'x.py', line: 20, func: '<module>' }] },
  ];

  it('starts the variant at spawn, keeps lane facts, names the lock and its holder, and reports the deadlock cycle', () => {
    const { variants } = build(lockEvents, { startAt: T0, exitAt: T0 + 100 * MS, killedRun: true });
    const v = variants[0];
    assert.equal(v.id, 'fallback');
    assert.equal(v.wallUs, 100_000, 'from spawn to the stop');
    assert.deepEqual(v.lanes[1], { id: 1, name: 'Thread-1 (worker)', kind: 'thread', pid: 7, target: 'worker', where: 'x.py:12' });
    const wait = v.spans.find((s) => s.lane === 2 && s.state === 'lock-wait');
    assert.equal(wait?.note, 'Lock (x.py:3) held by Thread-1 (worker)');
    assert.equal(wait?.where, 'x.py:8');
    assert.equal(v.spans.find((s) => s.lane === 0 && s.state === 'join-wait')?.note, 'Thread.join');
    assert.ok(v.stuck, 'stuck report');
    assert.deepEqual(new Set(v.stuck.deadlock), new Set([1, 2]));
    assert.match(v.stuck.summary ?? '', /^deadlock: Thread-\d \(worker\) waits for Lock \(x\.py:\d\) held by Thread-\d \(worker\), which waits for/);
    assert.equal(v.stuck.threads.find((t) => t.lane === 0)?.heldBy, undefined);
    assert.deepEqual(checkTrace(asTrace(variants)), []);
  });

  it('keeps output with times relative to the start, and the exit code', () => {
    const { variants } = build(lockEvents.slice(0, 3), {
      startAt: T0, exitAt: T0 + 10 * MS,
      output: [{ t: T0 + 4 * MS, stream: 'stdout', text: 'hello\n' }, { t: T0 + 6 * MS, stream: 'stderr', text: 'oops\n' }],
      exit: { code: 3, signal: null, at: T0 + 10 * MS },
    });
    const v = variants[0];
    assert.deepEqual(v.output, [{ at: 4000, stream: 'stdout', text: 'hello\n' }, { at: 6000, stream: 'stderr', text: 'oops\n' }]);
    assert.equal(v.exitCode, 3);
    assert.equal(v.stuck, undefined);
  });

  it('refuses and counts events dated outside the run instead of drawing them', () => {
    const hostile: ProgramEvent[] = [
      ...lockEvents.slice(0, 2),
      { k: 'state', lane: 'a', s: 'sleeping', t: 1e300 },
      { k: 'mark', lane: 'a', m: 'task', t: -1e15 },
      { k: 'variant-end', id: 'x', t: T0 + 5 * MS, wall: 1e18 },
    ];
    const { variants, rejected } = build(hostile, { startAt: T0, exitAt: T0 + 10 * MS });
    assert.equal(rejected, 3, 'two dated outside the run, and the end of a variant never announced');
    assert.ok(variants[0].wallUs <= 10_000, `wall ${variants[0].wallUs}`);
    assert.deepEqual(checkTrace(asTrace(variants)), []);
  });
});

describe('trace invariants (schema 2)', () => {
  const lane = (id: number, pid = 1) => ({ id, name: `L${id}`, kind: 'thread' as const, pid });
  it('refuses a killed mark on a lane that ended, impossible CPU, and duplicate variant ids', () => {
    const v: Variant = {
      id: 'v', title: 'V', wallUs: 1_000_000, cpuUs: 9_000_000, lanes: [lane(0), lane(1), lane(2)],
      spans: [
        { lane: 0, state: 'running', start: 0, end: 1_000_000 },
        { lane: 1, state: 'running', start: 0, end: 1_000_000 },
        { lane: 2, state: 'running', start: 0, end: 900_000 },
        { lane: 2, state: 'done', start: 900_000, end: 1_000_000 },
      ],
      marks: [{ lane: 2, at: 1_000_000, kind: 'killed' }],
    };
    const text = checkTrace({ ...asTrace([v, { ...v }]) }).join('\n');
    assert.match(text, /ran 2900000 µs on 2 cores/);
    assert.match(text, /cpuUs 9000000 is impossible/);
    assert.match(text, /the lane ended before, so it was not killed/);
    assert.match(text, /duplicate id/);
  });
});

describe('engine trace builder: a program cannot make the engine return a trace its checker refuses', () => {
  const T0 = 9_000 * MS;
  const spanEnd = (v: Variant): number => Math.max(0, ...v.spans.map((s) => s.end));

  it('draws nothing after the exit: events dated up to 2 s past it are drawn at it, later ones refused and counted', () => {
    const exitAt = T0 + 100 * MS;
    const ev: ProgramEvent[] = [
      { k: 'lane', lane: 'm', name: 'MainThread', kind: 'main', pid: 1, t: T0 + 1 * MS },
      { k: 'lane', lane: 'd', name: 'Daemon', kind: 'thread', daemon: true, pid: 1, t: T0 + 2 * MS },
      { k: 'state', lane: 'm', s: 'sleeping', t: T0 + 5 * MS },
      { k: 'mark', lane: 'd', m: 'acquire', t: exitAt + 1000 * MS },
      { k: 'state', lane: 'd', s: 'io', t: exitAt + 1500 * MS },
      { k: 'end', lane: 'm', t: exitAt + 1900 * MS },
      { k: 'mark', lane: 'm', m: 'task', t: exitAt + 2500 * MS },
    ];
    const { variants, rejected } = build(ev, { startAt: T0, exitAt, closes: [[2, exitAt]] });
    const v = variants[0];
    assert.equal(rejected, 1, 'the mark 2.5 s after the exit');
    assert.equal(v.wallUs, 100_000);
    assert.ok(spanEnd(v) <= v.wallUs, `a span ends at ${spanEnd(v)}`);
    assert.deepEqual(v.marks.map((m) => [m.lane, m.kind, m.at]), [[1, 'acquire', 100_000], [1, 'killed', 100_000]]);
    assert.deepEqual(checkTrace(asTrace(variants)), []);
  });

  it('refuses (and counts) a wall its own variant events contradict, and draws a variant only up to its wall and the slack', () => {
    // wall 1 ms, but the program's own variant and variant-end are 3 s apart
    const liar: ProgramEvent[] = [
      { k: 'variant', id: 'v', title: 'V', t: T0 },
      { k: 'lane', lane: 'm', name: 'Main', kind: 'main', pid: 1, t: T0 },
      { k: 'variant-end', id: 'v', t: T0 + 3000 * MS, wall: 1 * MS },
    ];
    const r1 = build(liar, { startAt: T0, exitAt: T0 + 3100 * MS });
    assert.equal(r1.rejected, 1);
    assert.equal(r1.variants[0].wallUs, 3_000_000, 'the variant as its own events date it');
    assert.deepEqual(checkTrace(asTrace(r1.variants)), []);
    // an honest wall, then 3 s of the main thread after its last variant ended
    const tail: ProgramEvent[] = [
      { k: 'variant', id: 'v', title: 'V', t: T0 },
      { k: 'lane', lane: 'm', name: 'Main', kind: 'main', pid: 1, t: T0 },
      { k: 'variant-end', id: 'v', t: T0 + 100 * MS, wall: 100 * MS },
    ];
    const r2 = build(tail, { startAt: T0, exitAt: T0 + 3000 * MS });
    assert.equal(r2.rejected, 0);
    assert.equal(r2.variants[0].wallUs, 100_000);
    assert.equal(spanEnd(r2.variants[0]), 350_000, 'up to the wall and the slack the checker allows');
    assert.deepEqual(checkTrace(asTrace(r2.variants)), []);
  });

  it('refuses (and counts) a second announcement of a variant, and an end of no open variant', () => {
    const ev: ProgramEvent[] = [
      { k: 'variant', id: 'a', title: 'A', t: T0 },
      { k: 'lane', lane: 'm', name: 'Main', kind: 'main', pid: 1, t: T0 },
      { k: 'variant-end', id: 'a', t: T0 + 10 * MS, wall: 10 * MS },
      { k: 'variant', id: 'b', title: 'B', t: T0 + 10 * MS },
      { k: 'variant-end', id: 'b', t: T0 + 20 * MS, wall: 10 * MS },
      { k: 'variant-end', id: 'b', t: T0 + 25 * MS, wall: 15 * MS },
      { k: 'variant', id: 'a', title: 'A again', t: T0 + 30 * MS },
    ];
    const { variants, rejected } = build(ev, { startAt: T0, exitAt: T0 + 40 * MS });
    assert.deepEqual(variants.map((v) => [v.id, v.title, v.wallUs]), [['a', 'A', 10_000], ['b', 'B', 10_000]]);
    assert.equal(rejected, 2);
    assert.deepEqual(checkTrace(asTrace(variants)), []);
  });

  it('refuses (and counts) a CPU figure of the program’s own that no machine of its cores could produce', () => {
    const run = (cpu: number) => build([
      { k: 'variant', id: 'v', title: 'V', t: T0 },
      { k: 'lane', lane: 'm', name: 'Main', kind: 'main', pid: 1, t: T0 },
      { k: 'variant-end', id: 'v', t: T0 + 1000 * MS, wall: 1000 * MS, cpu },
    ], { startAt: T0, exitAt: T0 + 1000 * MS });
    const impossible = run(10_000 * MS); // 10 s of CPU in 1 s on 2 cores
    assert.equal(impossible.variants[0].cpuUs, undefined);
    assert.equal(impossible.rejected, 1);
    assert.deepEqual(checkTrace(asTrace(impossible.variants)), []);
    const negative = run(-5);
    assert.equal(negative.variants[0].cpuUs, undefined);
    assert.equal(negative.rejected, 1);
    const possible = run(1500 * MS);
    assert.equal(possible.variants[0].cpuUs, 1_500_000);
    assert.equal(possible.rejected, 0);
  });

  it('never draws more running than the cores allow, per process and in all', () => {
    /** Four threads in `cpu` intent for 1 s, on 2 cores; `c` as given. */
    const four = (pids: number[], c?: (i: number, end: boolean) => number): ProgramEvent[] => pids.flatMap((pid, i): ProgramEvent[] => [
      { k: 'lane', lane: `w${i}`, name: `W${i}`, kind: 'thread', pid, t: T0 + i * MS, c: c?.(i, false) },
      { k: 'end', lane: `w${i}`, t: T0 + 1000 * MS, c: c?.(i, true) },
    ]);
    const running = (v: Variant): number => v.spans.filter((s) => s.state === 'running').reduce((n, s) => n + s.end - s.start, 0);
    // nothing measured: what the hooks said, at most as many at once as there are cores
    const none = build(four([1, 1, 1, 1]), { startAt: T0, exitAt: T0 + 1000 * MS });
    const v = none.variants[0];
    assert.equal(none.method, 'none');
    for (let at = 0; at < v.wallUs; at += 10_000) {
      const now = v.spans.filter((s) => s.state === 'running' && s.start <= at && at < s.end).length;
      assert.ok(now <= 2, `${now} lanes drawn running at ${at} µs on 2 cores`);
    }
    assert.ok(Math.abs(running(v) - 2 * 999_000) <= 3_000, `running ${running(v)}`);
    assert.ok(v.spans.some((s) => s.state === 'blocked' && /unknown/.test(s.note ?? '')), 'the rest is not drawn running');
    assert.deepEqual(checkTrace(asTrace(none.variants)), []);
    // the program's thread clocks say each of the four ran the whole second: impossible in one process or in two
    for (const pids of [[1, 1, 1, 1], [1, 1, 2, 2]]) {
      const clocked = build(four(pids, (_i, end) => (end ? 1000 * MS : 0)), { startAt: T0, exitAt: T0 + 1000 * MS });
      assert.equal(clocked.method, 'thread-cpu-clock');
      const cv = clocked.variants[0];
      assert.ok(running(cv) <= 2 * cv.wallUs, `running ${running(cv)} (${pids})`);
      assert.equal(cv.cpuUs, running(cv));
      assert.deepEqual(checkTrace(asTrace(clocked.variants)), [], String(pids));
    }
  });
});
