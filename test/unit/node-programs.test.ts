/**
 * The Node scenario programs on their own: untraced they run as plain lesson programs; traced they
 * speak the event protocol of src/shared/events.ts to a collector. The collector here is a tiny
 * stand-in written in the test, so these tests need no engine.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TinyCollector, type Connection, type JsonEvent } from '../fixtures/tinyCollector';

const PROGRAMS = path.resolve(__dirname, '../../../media/programs/node');
const TOKEN = 'test-token';

interface ProgramRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(file: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve(PROGRAMS, file), ...args], {
      env: { ...process.env, CLAB_TRACE: '', ...env },
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

/** Runs a program against a minimal collector: answers hello with sync, records every line. */
async function runTraced(file: string, args: string[]): Promise<TracedRun> {
  const collector = await TinyCollector.start();
  try {
    const run = await runNode(file, args, collector.env(TOKEN));
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
function checkStream(run: TracedRun): void {
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
        if (process.platform === 'linux') assert.equal(typeof e.tid, 'number', `lane ${e.name} has a tid`);
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
  assert.ok(opened.length >= 1, 'at least one variant');
}

const lanes = (run: TracedRun) => run.events.filter((e) => e.k === 'lane');
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

  it('runs one variant with --variant and refuses an unknown one', async () => {
    const one = await runNode('download.mjs', ['--variant', 'threads', '--scale', '0.2']);
    assert.match(one.stdout, /== Worker per download ==/);
    assert.doesNotMatch(one.stdout, /== Sequential ==/);
    const bad = await runNode('download.mjs', ['--variant', 'nope']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown variant "nope" \(known: sequential, threads, subclass\)/);
  });
});

describe('Node scenario programs, traced', function () {
  it('download: one lane per worker, requested times as task marks, sleeps at least that long', async () => {
    const run = await runTraced('download.mjs', ['--variant', 'threads', '--tasks', '3', '--scale', '0.3']);
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
      const run = await runTraced('race.mjs', ['--variant', 'no-lock', '--threads', '4', '--tasks', '20', '--scale', '0.5']);
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
    const run = await runTraced('race.mjs', ['--variant', 'lock', '--threads', '4', '--tasks', '12', '--scale', '0.5']);
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
    const run = await runTraced('parallel.mjs', ['--variant', 'processes', '--threads', '2', '--scale', '0.1']);
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
    const cut = await runTraced('daemon.mjs', ['--variant', 'daemon', '--scale', '0.3']);
    checkStream(cut);
    const daemons = lanes(cut).filter((l) => l.daemon === true);
    assert.equal(daemons.length, 2);
    assert.ok(daemons.every((l) => onLane(cut, l.lane, 'end').length === 0));

    const kept = await runTraced('daemon.mjs', ['--variant', 'non-daemon', '--scale', '0.3']);
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
    const run = await runTraced('pool.mjs', ['--variant', 'pool-2', '--tasks', '5', '--scale', '0.2']);
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
    const run = await runTraced(script, []).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
    checkStream(run);
    const workerLane = lanes(run).find((l) => l.kind === 'worker');
    assert.equal(onLane(run, workerLane?.lane, 'mark').length, 20000, 'every event of the exited worker arrived');
    assert.equal(run.events.filter((e) => e.k === 'mark').length, 40000);
    const nsPerEvent = Number(/ns\/event ([\d.]+)/.exec(run.stdout)?.[1]);
    assert.ok(nsPerEvent < 100_000, `${nsPerEvent} ns per event on the main thread`);
  });
});
