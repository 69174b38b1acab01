/**
 * The Node scenario programs on their own: untraced they run as plain lesson programs; traced by the
 * preload (autotrace.mjs through NODE_OPTIONS, as the engine runs them) they speak the event
 * protocol of src/shared/events.ts to a collector with one lane per thread and process. The explicit
 * API (labtrace.mjs) is checked on the annotated copies kept in test/fixtures/node/annotated. The
 * collector is a tiny stand-in written in the test, so these tests need no engine.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NodeRuntime, tracesItself } from '../../src/engine/nodeRuntime';
import type { ScenarioId } from '../../src/shared/scenarios';
import { TinyCollector, type Connection, type JsonEvent } from '../fixtures/tinyCollector';

const PROGRAMS = path.resolve(__dirname, '../../../media/programs/node');
/** The lesson programs as written for the explicit API (the shipped ones are plain code now). */
const ANNOTATED = path.resolve(__dirname, '../../../test/fixtures/node/annotated');
const PRELOAD = pathToFileURL(path.join(PROGRAMS, 'autotrace.mjs')).href;
const TOKEN = 'test-token';
const LESSONS: ScenarioId[] = ['parallel', 'download', 'daemon', 'race', 'pool', 'gil'];

interface ProgramRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(file: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000, dir = PROGRAMS): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve(dir, file), ...args], {
      env: { ...process.env, CLAB_TRACE: '', CLAB_TRACE_ROOT: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not end within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      // 'exit' can come before the pipes are drained
      setImmediate(() => resolve({ code, stdout, stderr }));
    });
  });
}

type Event = JsonEvent;

interface TracedRun extends ProgramRun {
  connections: Connection[];
  /** Every event after the handshake, from every connection, sorted by time. */
  events: Event[];
}

/**
 * Runs a program against a minimal collector: answers hello with sync, records every line. `preload`:
 * traced by autotrace.mjs as the engine runs a plain program; otherwise by its own labtrace calls.
 */
async function runTraced(file: string, args: string[], how: 'preload' | 'explicit'): Promise<TracedRun> {
  const collector = await TinyCollector.start();
  try {
    const inherited = process.env.NODE_OPTIONS;
    const env = how === 'preload' ? { ...collector.env(TOKEN), NODE_OPTIONS: `--import=${PRELOAD}${inherited ? ` ${inherited}` : ''}` } : collector.env(TOKEN);
    const run = await runNode(file, args, env, 60_000, how === 'preload' ? PROGRAMS : ANNOTATED);
    // A connection's last lines can trail the process's exit by a moment.
    await new Promise((r) => setTimeout(r, 200));
    const connections = collector.connections;
    const events = connections
      .flatMap((c) => c.events.slice(2))
      .map((e, i) => ({ e, i }))
      .sort((a, b) => time(a.e) - time(b.e) || a.i - b.i)
      .map(({ e }) => e);
    return { ...run, connections, events };
  } finally {
    await collector.close();
  }
}

const time = (e: Event): number => (typeof e.t === 'number' ? e.t : 0);

/**
 * The protocol's shape: each connection opens with hello (our token) then clock; every state, mark
 * and end names a lane announced before, on the same connection; nothing follows a lane's end;
 * lanes carry pid and, on Linux, the native tid; variants open before they close.
 */
function checkStream(run: TracedRun, variants = true): void {
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.connections.length >= 1, 'the program connected');
  for (const conn of run.connections) {
    const [hello, clock] = conn.events;
    assert.equal(hello?.k, 'hello');
    assert.equal(hello.token, TOKEN);
    assert.equal(hello.runtime, 'node');
    assert.equal(clock?.k, 'clock');
    assert.ok((clock.t0 as number) <= (clock.t1 as number), 'clock: t0 <= t1');
    assert.equal(typeof clock.te, 'number');
    const open = new Set<string>();
    const ended = new Set<string>();
    for (const e of conn.events.slice(2)) {
      assert.ok(e.k !== 'hello' && e.k !== 'clock', `${e.k} only once, first`);
      if (e.k === 'lane') {
        assert.equal(e.pid, hello.pid, 'lane pid is the process that sent it');
        // (a lane said again, e.g. with its daemon flag, need not repeat the tid)
        if (process.platform === 'linux' && e.daemon === undefined) assert.equal(typeof e.tid, 'number', `lane ${e.name} has a tid`);
        open.add(e.lane as string);
      } else if (e.k === 'state' || e.k === 'mark' || e.k === 'end') {
        assert.ok(open.has(e.lane as string), `${e.k} on an announced lane: ${JSON.stringify(e)}`);
        assert.ok(!ended.has(e.lane as string), `${e.k} after the lane ended: ${JSON.stringify(e)}`);
        if (e.k === 'end') ended.add(e.lane as string);
      }
    }
  }
  const opened: string[] = [];
  for (const e of run.events) {
    if (e.k === 'variant') opened.push(e.id as string);
    if (e.k === 'variant-end') {
      assert.equal(e.id, opened[opened.length - 1], 'variant-end closes the open variant');
      assert.ok((e.wall as number) > 0);
    }
  }
  if (variants) assert.ok(opened.length >= 1, 'at least one variant');
  else assert.equal(opened.length, 0, 'the preload sends no variants: the engine runs one per process');
}

/** Each lane once, as the engine folds it: a lane event said again updates the first one. */
function lanes(run: TracedRun): Event[] {
  const byKey = new Map<unknown, Event>();
  for (const e of run.events) if (e.k === 'lane') byKey.set(e.lane, { ...byKey.get(e.lane), ...e });
  return [...byKey.values()];
}
const onLane = (run: TracedRun, laneId: unknown, k: string) => run.events.filter((e) => e.lane === laneId && e.k === k);

describe('Node scenario programs, untraced', function () {
  const cases: [string, string[], RegExp[]][] = [
    ['parallel.mjs', ['--scale', '0.2'], [/\[sequential\][\s\S]*\[workers\][\s\S]*\[processes\]/, /workers: \d+\.\d{3} s \(\d+\.\d\dx the speed/]],
    ['gil.mjs', ['--scale', '0.2'], [/no global interpreter lock/, /processes: \d+\.\d{3} s/, /workers: \d+\.\d\dx the speed/]],
    ['download.mjs', ['--scale', '0.2'], [/Start downloading Git从提交到强推\.mp4\./, /downloaded in \d+\.\d{3} s\./, /Total: [\d.]+ s \(sum of the downloads [\d.]+ s, longest/]],
    ['daemon.mjs', ['--scale', '0.3'], [/(Ping|Pong){2,}/, /daemon workers are cut off/, /ended on their own/]],
    ['race.mjs', ['--threads', '4', '--tasks', '20', '--scale', '0.5'], [/Without a lock[\s\S]*Balance: \d+ \(expected 20\)/, /With a lock[\s\S]*Balance: 20 \(expected 20\)/]],
    ['pool.mjs', ['--tasks', '4', '--pools', '1,2', '--scale', '0.3'], [/task 4 done by worker/, /pool of {2}1: [\d.]+ s\n {2}pool of {2}2: [\d.]+ s/]],
  ];
  for (const [file, args, patterns] of cases) {
    it(`${file} runs on its own and prints the lesson's output`, async () => {
      const run = await runNode(file, args);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '', 'untraced: nothing on stderr');
      for (const p of patterns) assert.match(run.stdout, p);
    });
  }

  it('imports no tracer: plain lesson code, and its helpers are plain too', () => {
    for (const file of [...LESSONS.map((id) => `${id}.mjs`), 'common.mjs', 'cpubound.mjs', 'cpu-task.mjs']) {
      const text = fs.readFileSync(path.join(PROGRAMS, file), 'utf8');
      assert.doesNotMatch(text, /labtrace|autotrace|CLAB_TRACE|\btrace\.\w+\(/, `${file} is plain lesson code`);
    }
  });

  it('runs one variant with --variant and refuses an unknown one', async () => {
    const one = await runNode('download.mjs', ['--variant', 'threads', '--scale', '0.2']);
    assert.match(one.stdout, /== Worker per download ==/);
    assert.doesNotMatch(one.stdout, /== Sequential ==/);
    const bad = await runNode('download.mjs', ['--variant', 'nope']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown variant "nope" \(known: sequential, threads, subclass\)/);
  });
});

describe('Node lesson programs, traced by the preload alone', function () {
  this.timeout(120_000);

  it('are run by the engine with the preload; a program that speaks the protocol itself is not', async () => {
    const root = path.resolve(PROGRAMS, '../../..');
    const runtime = new NodeRuntime({ extensionRoot: root });
    const info = await runtime.prepare();
    for (const id of LESSONS) {
      const cmd = runtime.command(info, runtime.programPath(id), ['--variant', 'x']);
      assert.equal(cmd.env?.NODE_OPTIONS?.split(' ')[0], `--import=${PRELOAD}`, id);
      assert.equal(cmd.env?.ELECTRON_RUN_AS_NODE, '1');
    }
    // An annotated copy imports labtrace.mjs, which reads CLAB_TRACE: its own lanes only.
    assert.equal(tracesItself(path.join(ANNOTATED, 'race.mjs')), true);
    assert.equal(tracesItself(path.join(ANNOTATED, 'gil.mjs')), true, 'through cpubound.mjs');
    assert.equal(runtime.command(info, path.join(ANNOTATED, 'race.mjs'), []).env?.NODE_OPTIONS, undefined);
    assert.equal(tracesItself(path.join(PROGRAMS, 'gil.mjs')), false);
    assert.equal(tracesItself(path.join(PROGRAMS, 'no-such-file.mjs')), false);
  });

  /** The state events of a lane as [state, start, end, event], up to its end (or the last event). */
  function intervals(run: TracedRun, laneId: unknown): [string, number, number, Event][] {
    const out: [string, number, number, Event][] = [];
    let cur: [string, number, Event] | undefined;
    for (const e of run.events) {
      if (e.lane !== laneId || (e.k !== 'state' && e.k !== 'end')) continue;
      if (cur) out.push([cur[0], cur[1], time(e), cur[2]]);
      cur = e.k === 'state' ? [String(e.s), time(e), e] : undefined;
    }
    return out;
  }

  /** One lane per thread and process, each announced on its own connection, none twice. */
  function oneLanePerThread(run: TracedRun): void {
    const announced = new Map<unknown, Event>();
    for (const conn of run.connections) {
      const own = conn.events.filter((e) => e.k === 'lane');
      assert.ok(own.length >= 1, 'each connection announces its thread');
      for (const l of own) if (!announced.has(l.lane)) announced.set(l.lane, l);
    }
    assert.equal(announced.size, run.connections.length, `one lane per connection: ${[...announced.values()].map((l) => l.name).join(', ')}`);
  }

  it('download: a lane per worker thread, named by the program; each download is a sleep at least as long as asked', async () => {
    const run = await runTraced('download.mjs', ['--variant', 'threads', '--tasks', '3', '--scale', '0.3'], 'preload');
    checkStream(run, false);
    oneLanePerThread(run);
    assert.match(run.stdout, /== Worker per download ==/);
    const workers = lanes(run).filter((l) => l.kind === 'worker');
    assert.deepEqual(workers.map((w) => w.name).sort(), ['Worker-1', 'Worker-2', 'Worker-3']);
    if (process.platform === 'linux') assert.ok(workers.every((w) => w.tid !== w.pid), 'workers run on their own OS threads');
    for (const w of workers) {
      const sleeps = intervals(run, w.lane).filter(([s]) => s === 'sleeping');
      assert.equal(sleeps.length, 1, `${w.name}: one download`);
      const [, start, end, state] = sleeps[0];
      const requestedMs = Number(/timed out after ([\d.]+) ms/.exec(String(state.note))?.[1]);
      assert.ok(requestedMs > 0, `the requested time travels on the sleep: ${state.note}`);
      assert.ok(end - start >= requestedMs * 1e6 * 0.98, `slept ${end - start} ns for ${requestedMs} ms`);
      assert.equal(onLane(run, w.lane, 'end').length, 1);
    }
    const main = lanes(run).find((l) => l.kind === 'main');
    const joins = intervals(run, main?.lane).filter(([s]) => s === 'join-wait');
    assert.ok(joins.some(([, , , e]) => /^Worker-\d$/.test(String(e.obj))), 'main joins the workers');
  });

  it('race with the lock: the balance printed is exact; the lock is a wait in the program, one worker in it at a time', async () => {
    const run = await runTraced('race.mjs', ['--variant', 'lock', '--threads', '4', '--tasks', '12', '--scale', '0.5'], 'preload');
    checkStream(run, false);
    oneLanePerThread(run);
    assert.match(run.stdout, /Balance: 12 \(expected 12\)/);
    const lockLine = fs.readFileSync(path.join(PROGRAMS, 'race.mjs'), 'utf8').split('\n').findIndex((l) => l.includes('Atomics.wait(this.cells, SERVING')) + 1;
    const workers = lanes(run).filter((l) => l.kind === 'worker');
    assert.equal(workers.length, 4);
    const all = workers.flatMap((w) => intervals(run, w.lane));
    const lockWaits = all.filter(([s, , , e]) => s === 'lock-wait' && e.where === `race.mjs:${lockLine}`);
    assert.ok(lockWaits.length >= 1, 'some worker waited for the lock where the program waits for it');
    assert.ok(lockWaits.every(([, , , e]) => e.obj === 'Atomics.wait'));
    // The pause of a deposit happens only while holding the lock: never two at once.
    const pauses = all.filter(([s]) => s === 'sleeping');
    assert.equal(pauses.length, 12, 'one pause per deposit');
    const edges = pauses.flatMap(([, a, b]) => [[a, 1], [b, -1]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let inside = 0;
    for (const [, d] of edges) assert.ok((inside += d) <= 1, 'one worker at a time inside the lock');
  });

  it('daemon: unref() makes daemon lanes that never end; ref’d workers end before the process does', async () => {
    const cut = await runTraced('daemon.mjs', ['--variant', 'daemon', '--scale', '0.3'], 'preload');
    checkStream(cut, false);
    oneLanePerThread(cut);
    const daemons = lanes(cut).filter((l) => l.daemon === true);
    assert.deepEqual(daemons.map((l) => l.name).sort(), ['Ping-1', 'Pong-2'], 'the daemon flag, said again once the worker called unref()');
    assert.ok(daemons.every((l) => onLane(cut, l.lane, 'end').length === 0), 'cut off: no end');

    const kept = await runTraced('daemon.mjs', ['--variant', 'non-daemon', '--scale', '0.3'], 'preload');
    checkStream(kept, false);
    oneLanePerThread(kept);
    assert.match(kept.stdout, /ended on their own/);
    const workers = lanes(kept).filter((l) => l.kind === 'worker');
    assert.ok(workers.length === 2 && workers.every((l) => l.daemon === undefined));
    const main = lanes(kept).find((l) => l.kind === 'main');
    const mainEnd = time(onLane(kept, main?.lane, 'end')[0]);
    // Nothing in the program waits for them: the ref’d workers keep the loop alive, a join all the same.
    const waited = intervals(kept, main?.lane).filter(([s, , , e]) => s === 'join-wait' && /keeps the event loop alive/.test(String(e.note)));
    assert.ok(waited.length >= 1, 'main waits for its ref’d workers');
    for (const w of workers) {
      const end = time(onLane(kept, w.lane, 'end')[0]);
      assert.ok(waited[0][1] < end && end <= mainEnd, 'workers outlive main’s own work; the process waits for them');
    }
  });

  it('pool: the lanes share the tasks; workers with nothing to do sit idle', async () => {
    const run = await runTraced('pool.mjs', ['--variant', 'pool-4', '--tasks', '3', '--scale', '1'], 'preload');
    checkStream(run, false);
    oneLanePerThread(run);
    const workers = lanes(run).filter((l) => l.kind === 'worker');
    assert.equal(workers.length, 4);
    const tasks = workers.map((w) => intervals(run, w.lane).filter(([s]) => s === 'sleeping').length);
    assert.equal(tasks.reduce((a, b) => a + b, 0), 3, 'each task is one sleep on a worker');
    // At least one of the four never gets a task: it waits for work from its start to the shutdown.
    const spare = workers.filter((_, i) => tasks[i] === 0);
    assert.ok(spare.length >= 1);
    for (const w of spare) {
      const idle = intervals(run, w.lane).filter(([s]) => s === 'idle').reduce((sum, [, a, b]) => sum + b - a, 0);
      assert.ok(idle >= 50e6, `${w.name} sat idle ${idle} ns (a task takes 200 ms)`);
    }
  });

  it('processes: every child connects on its own with a process lane, and ends before its parent', async () => {
    const run = await runTraced('parallel.mjs', ['--variant', 'processes', '--threads', '2', '--scale', '0.1'], 'preload');
    checkStream(run, false);
    oneLanePerThread(run);
    assert.equal(run.connections.length, 3, 'the program and its two children');
    const processLanes = lanes(run).filter((l) => l.kind === 'process');
    assert.equal(processLanes.length, 2);
    assert.ok(processLanes.every((l) => /^process \d+ \(cpu-task\.mjs\)$/.test(String(l.name))));
    const main = lanes(run).find((l) => l.kind === 'main');
    assert.ok(processLanes.every((l) => l.pid !== main?.pid));
    const mainEnd = time(onLane(run, main?.lane, 'end')[0]);
    assert.ok(processLanes.every((l) => time(onLane(run, l.lane, 'end')[0]) < mainEnd), 'children end before the parent');
  });
});

describe('Node lesson programs with the explicit API (annotated copies)', function () {
  it('download: one lane per worker, requested times as task marks, sleeps at least that long', async () => {
    const run = await runTraced('download.mjs', ['--variant', 'threads', '--tasks', '3', '--scale', '0.3'], 'explicit');
    checkStream(run);
    const workers = lanes(run).filter((l) => l.kind === 'worker');
    assert.equal(workers.length, 3);
    if (process.platform === 'linux') assert.ok(workers.every((w) => w.tid !== w.pid), 'workers run on their own OS threads');
    for (const w of workers) {
      const [task] = onLane(run, w.lane, 'mark');
      const requestedS = Number(/: ([\d.]+) s$/.exec(task.note as string)?.[1]);
      const states = onLane(run, w.lane, 'state');
      const sleep = states.findIndex((s) => s.s === 'sleeping');
      assert.ok(sleep >= 0 && states[sleep + 1]?.s === 'cpu', 'sleeping, then back to cpu');
      const sleptNs = time(states[sleep + 1]) - time(states[sleep]);
      assert.ok(sleptNs >= requestedS * 1e9 * 0.98, `slept ${sleptNs} ns for ${requestedS} s`);
      assert.equal(onLane(run, w.lane, 'end').length, 1);
    }
    const main = lanes(run).find((l) => l.kind === 'main');
    assert.ok(onLane(run, main?.lane, 'state').some((s) => s.s === 'lock-wait' && s.note === 'join'));
  });

  it('race without a lock: the outcome shows lost updates', async () => {
    let last: Event | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const run = await runTraced('race.mjs', ['--variant', 'no-lock', '--threads', '4', '--tasks', '20', '--scale', '0.5'], 'explicit');
      checkStream(run);
      last = run.events.find((e) => e.k === 'outcome');
      assert.ok(last, 'an outcome event');
      assert.equal(last.expected, 20);
      if (last.actual !== 20) break; // an exact balance by luck is possible: try again
    }
    assert.notEqual(last?.actual, 20);
    assert.equal(last?.ok, false);
  });

  it('race with the lock: exact balance, and one holder at a time', async () => {
    const run = await runTraced('race.mjs', ['--variant', 'lock', '--threads', '4', '--tasks', '12', '--scale', '0.5'], 'explicit');
    checkStream(run);
    const outcome = run.events.find((e) => e.k === 'outcome');
    assert.deepEqual([outcome?.expected, outcome?.actual, outcome?.ok], [12, 12, true]);
    let holders = 0;
    let acquires = 0;
    for (const e of run.events.filter((x) => x.k === 'mark' && (x.m === 'acquire' || x.m === 'release'))) {
      holders += e.m === 'acquire' ? 1 : -1;
      if (e.m === 'acquire') acquires++;
      assert.ok(holders === 0 || holders === 1, 'at most one worker holds the lock');
    }
    assert.equal(acquires, 12);
    assert.ok(run.events.some((e) => e.k === 'state' && e.s === 'lock-wait' && e.note === undefined), 'some worker waited');
  });

  it('processes: every child connects on its own with a process lane', async () => {
    const run = await runTraced('parallel.mjs', ['--variant', 'processes', '--threads', '2', '--scale', '0.1'], 'explicit');
    checkStream(run);
    assert.equal(run.connections.length, 3, 'the program and its two children');
    const processLanes = lanes(run).filter((l) => l.kind === 'process');
    assert.equal(processLanes.length, 2);
    const parentPid = run.connections[0].events[0].pid;
    assert.ok(processLanes.every((l) => l.pid !== parentPid));
    const end = run.events.find((e) => e.k === 'variant-end');
    assert.ok(processLanes.every((l) => time(onLane(run, l.lane, 'end')[0]) < time(end!)), 'children end inside the variant');
  });

  it('daemon: daemon lanes never end (cut off); non-daemon lanes end before the variant does', async () => {
    const cut = await runTraced('daemon.mjs', ['--variant', 'daemon', '--scale', '0.3'], 'explicit');
    checkStream(cut);
    const daemons = lanes(cut).filter((l) => l.daemon === true);
    assert.equal(daemons.length, 2);
    assert.ok(daemons.every((l) => onLane(cut, l.lane, 'end').length === 0));

    const kept = await runTraced('daemon.mjs', ['--variant', 'non-daemon', '--scale', '0.3'], 'explicit');
    checkStream(kept);
    const workers = lanes(kept).filter((l) => l.kind === 'worker');
    assert.ok(workers.length === 2 && workers.every((l) => l.daemon === false));
    const mainEnd = time(onLane(kept, lanes(kept).find((l) => l.kind === 'main')?.lane, 'end')[0]);
    const variantEnd = time(kept.events.find((e) => e.k === 'variant-end')!);
    for (const w of workers) {
      const end = time(onLane(kept, w.lane, 'end')[0]);
      assert.ok(mainEnd < end && end <= variantEnd, 'workers outlive main; the variant waits for them');
    }
  });

  it('pool: N lanes share the tasks and sit idle between them', async () => {
    const run = await runTraced('pool.mjs', ['--variant', 'pool-2', '--tasks', '5', '--scale', '0.2'], 'explicit');
    checkStream(run);
    const workers = lanes(run).filter((l) => l.kind === 'worker');
    assert.equal(workers.length, 2);
    const tasks = run.events.filter((e) => e.k === 'mark' && e.m === 'task');
    assert.equal(tasks.length, 5);
    assert.ok(workers.every((w) => onLane(run, w.lane, 'state').some((s) => s.s === 'idle')));
  });

  it('loses no event when a worker exits right after sending, and costs microseconds per event', async () => {
    const labtrace = pathToFileURL(path.join(PROGRAMS, 'labtrace.mjs')).href;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-'));
    const script = path.join(dir, 'burst.mjs');
    fs.writeFileSync(
      script,
      `import * as trace from '${labtrace}';
      import { isMainThread } from 'node:worker_threads';
      const N = 20000;
      if (isMainThread) {
        await trace.start();
        trace.variant('burst', 'Burst');
        const t = process.hrtime.bigint();
        for (let i = 0; i < N; i++) trace.mark('task', String(i));
        console.log('ns/event', Number(process.hrtime.bigint() - t) / N);
        const worker = new trace.TracedWorker(new URL(import.meta.url));
        await new Promise((resolve) => worker.on('exit', resolve));
        trace.variantEnd('burst', 1);
        await trace.close();
      } else {
        trace.lane('Burst', 'worker');
        for (let i = 0; i < N; i++) trace.mark('task', String(i));
        trace.endLane();
      }`,
    );
    const run = await runTraced(script, [], 'explicit').finally(() => fs.rmSync(dir, { recursive: true, force: true }));
    checkStream(run);
    const workerLane = lanes(run).find((l) => l.kind === 'worker');
    assert.equal(onLane(run, workerLane?.lane, 'mark').length, 20000, 'every event of the exited worker arrived');
    assert.equal(run.events.filter((e) => e.k === 'mark').length, 40000);
    const nsPerEvent = Number(/ns\/event ([\d.]+)/.exec(run.stdout)?.[1]);
    assert.ok(nsPerEvent < 100_000, `${nsPerEvent} ns per event on the main thread`);
  });
});
