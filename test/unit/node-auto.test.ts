/**
 * The automatic Node tracer (media/programs/node/autotrace.mjs, preloaded with --import through
 * NODE_OPTIONS) on unmodified programs, against the tiny collector: a lane per thread and process
 * with pid and OS thread id, the states of src/shared/events.ts, the dump, and nothing at all when
 * CLAB_TRACE is unset. The programs are plain Node written to a temporary folder.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TinyCollector, type Connection, type JsonEvent } from '../fixtures/tinyCollector';

const PRELOAD = pathToFileURL(path.resolve(__dirname, '../../../media/programs/node/autotrace.mjs')).href;
const TOKEN = 'auto-token';
const LINUX = process.platform === 'linux';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Traced extends Run {
  connections: Connection[];
  /** Events after each connection's handshake, all connections, by time. */
  events: JsonEvent[];
}

let dir = '';

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** `node FILE ARGS…` as the engine runs it: the preload first in NODE_OPTIONS, CLAB_TRACE as given. */
function runNode(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { signal?: AbortSignal; onSpawn?: (kill: () => void) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const inherited = process.env.NODE_OPTIONS;
    const child = spawn(process.execPath, [file, ...args], {
      cwd: dir,
      env: { ...process.env, CLAB_TRACE: '', CLAB_TRACE_ROOT: '', NODE_OPTIONS: `--import=${PRELOAD}${inherited ? ` ${inherited}` : ''}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    opts.onSpawn?.(() => child.kill('SIGKILL'));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
}

async function traced(file: string, args: string[] = [], onSpawn?: (c: TinyCollector, kill: () => void) => void): Promise<Traced> {
  const collector = await TinyCollector.start();
  try {
    const run = await runNode(file, args, collector.env(TOKEN), { onSpawn: onSpawn && ((kill) => onSpawn(collector, kill)) });
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

const time = (e: JsonEvent): number => (typeof e.t === 'number' ? e.t : 0);
const lanes = (run: Traced) => run.events.filter((e) => e.k === 'lane');
const laneNamed = (run: Traced, pattern: RegExp): JsonEvent => {
  const found = lanes(run).filter((l) => pattern.test(String(l.name)));
  assert.equal(found.length, 1, `one lane named ${pattern}: ${lanes(run).map((l) => l.name).join(', ')}`);
  return found[0];
};
const onLane = (run: Traced, lane: JsonEvent, k: string) => run.events.filter((e) => e.lane === lane.lane && e.k === k);

/** The lane's intervals from its lane event to its end: [intent, start ns, end ns, the state event]. */
function intervals(run: Traced, lane: JsonEvent): [string, number, number, JsonEvent | undefined][] {
  const out: [string, number, number, JsonEvent | undefined][] = [];
  let cur: [string, number, JsonEvent | undefined] = ['cpu', time(lane), undefined];
  let end: number | undefined;
  for (const e of run.events) {
    if (e.lane !== lane.lane) continue;
    if (e.k === 'state') {
      out.push([cur[0], cur[1], time(e), cur[2]]);
      cur = [String(e.s), time(e), e];
    } else if (e.k === 'end') end = time(e);
  }
  assert.ok(end !== undefined, `lane ${lane.name} ended`);
  out.push([cur[0], cur[1], end, cur[2]]);
  return out;
}

/** Share of [from, to] the lane spent in one of `states`. */
function share(run: Traced, lane: JsonEvent, states: string[], from?: number, to?: number): number {
  const ivs = intervals(run, lane);
  const a = from ?? ivs[0][1];
  const b = to ?? ivs[ivs.length - 1][2];
  let inside = 0;
  for (const [s, start, end] of ivs) {
    if (!states.includes(s)) continue;
    inside += Math.max(0, Math.min(end, b) - Math.max(start, a));
  }
  return inside / Math.max(1, b - a);
}

/** hello with our token then clock on every connection; every state, mark and end on a lane announced before. */
function checkStream(run: Traced): void {
  assert.ok(run.connections.length >= 1, 'the program connected');
  const announced = new Set(lanes(run).map((l) => l.lane));
  for (const conn of run.connections) {
    const [hello, clock] = conn.events;
    assert.equal(hello?.k, 'hello');
    assert.equal(hello.token, TOKEN);
    assert.equal(hello.runtime, 'node');
    assert.equal(clock?.k, 'clock');
    assert.ok((clock.t0 as number) <= (clock.t1 as number));
    for (const e of conn.events.slice(2)) {
      assert.ok(e.k !== 'hello' && e.k !== 'clock', `${e.k} only once, first`);
      if (e.k === 'lane') assert.equal(e.pid, hello.pid, 'a lane is announced by its own process');
      if (e.k === 'state' || e.k === 'mark' || e.k === 'end') assert.ok(announced.has(e.lane), `${e.k} on an announced lane: ${JSON.stringify(e)}`);
    }
  }
  // A lane is said again only by its parent, to add the daemon flag (worker.unref()).
  const keys = lanes(run).filter((l) => l.daemon === undefined).map((l) => l.lane);
  assert.equal(new Set(keys).size, keys.length, 'lane keys are unique across the run');
  for (const again of lanes(run).filter((l) => l.daemon !== undefined)) assert.ok(keys.includes(again.lane), `${again.name} was announced first`);
}

describe('automatic Node tracer (--import autotrace.mjs)', function () {
  this.timeout(120_000);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-node-auto-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the main thread and each Worker its own lane, pid and OS thread; a busy worker is cpu, the waiting main is not', async () => {
    const file = write(
      'workers.mjs',
      `import { Worker, isMainThread, workerData } from 'node:worker_threads';
if (isMainThread) {
  const busy = new Worker(new URL(import.meta.url), { workerData: 600 });
  const light = new Worker(new URL(import.meta.url), { workerData: 100, name: 'light one' });
  await Promise.all([busy, light].map((w) => new Promise((r) => w.once('exit', r))));
  console.log('workers done');
} else {
  let x = 0;
  const end = performance.now() + workerData;
  while (performance.now() < end) x++;
}
`,
    );
    const run = await traced(file);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'workers done\n');
    checkStream(run);
    assert.equal(run.connections.length, 3, 'one connection per thread');
    const clocks = run.connections.map((c) => JSON.stringify(c.events[1]));
    assert.equal(new Set(clocks).size, 1, 'the threads of one process send one clock measurement: one offset, true order across lanes');
    const main = laneNamed(run, /^main \(workers\.mjs\)$/);
    const busy = laneNamed(run, /^Worker \d+ \(workers\.mjs\)$/);
    const light = laneNamed(run, /^light one$/);
    assert.equal(main.kind, 'main');
    assert.equal(busy.kind, 'worker');
    assert.equal(light.kind, 'worker');
    assert.match(String(busy.where), /^workers\.mjs:3$/, 'where the program started it');
    for (const l of [main, busy, light]) assert.equal(l.pid, main.pid, 'threads of one process');
    if (LINUX) {
      assert.equal(main.tid, main.pid, 'the main thread is the process');
      const tids = [main.tid, busy.tid, light.tid];
      assert.ok(tids.every((t) => typeof t === 'number'), `tids: ${tids.join(', ')}`);
      assert.equal(new Set(tids).size, 3, 'three OS threads');
    }
    // The busy worker runs JavaScript nearly all its life.
    assert.ok(share(run, busy, ['cpu']) > 0.8, `busy worker cpu share ${share(run, busy, ['cpu'])}`);
    // While it ran, the main thread waited for the workers' exit, not computing.
    const [, , busyEnd] = intervals(run, busy).at(-1)!;
    const waiting = share(run, main, ['join-wait', 'idle'], time(busy), busyEnd);
    assert.ok(waiting > 0.8, `main waited ${waiting} of the busy worker's life`);
    const joins = intervals(run, main).filter(([s]) => s === 'join-wait');
    assert.ok(joins.length >= 1, 'a join-wait span');
    assert.ok(joins.some(([, , , e]) => /^(Worker \d+ \(workers\.mjs\)|light one)$/.test(String(e?.obj))), 'the join names a worker');
    const marks = onLane(run, main, 'mark');
    assert.deepEqual(marks.filter((m) => m.m === 'start').map((m) => m.note), [busy.name, light.name]);
    assert.deepEqual(new Set(marks.filter((m) => m.m === 'join').map((m) => m.note)), new Set([busy.name, light.name]));
    assert.equal(onLane(run, busy, 'end').length, 1);
  });

  it('shows Atomics.wait as lock-wait where the program waits, one that times out and a timer wait as sleeping', async () => {
    const file = write(
      'atomics.mjs',
      `import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
if (isMainThread) {
  const cells = new Int32Array(new SharedArrayBuffer(4));
  const w = new Worker(new URL(import.meta.url), { workerData: cells });
  await new Promise((r) => w.once('message', r));
  await new Promise((r) => setTimeout(r, 400));
  Atomics.store(cells, 0, 1);
  Atomics.notify(cells, 0);
  await new Promise((r) => w.once('exit', r));
} else {
  Atomics.wait(workerData, 0, 1); // not equal: returns at once, no wait
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50); // nobody wakes it: a sleep
  parentPort.postMessage('waiting');
  Atomics.wait(workerData, 0, 0);
}
`,
    );
    const run = await traced(file);
    assert.equal(run.code, 0, run.stderr);
    checkStream(run);
    const main = laneNamed(run, /^main /);
    const worker = laneNamed(run, /^Worker /);
    const waits = intervals(run, worker).filter(([s, a, b]) => s === 'lock-wait' && b > a);
    assert.equal(waits.length, 1, 'only the wait that blocked until another thread woke it');
    const [, start, end, wait] = waits[0];
    assert.equal(wait?.obj, 'Atomics.wait');
    assert.equal(wait?.where, 'atomics.mjs:14');
    const sleeps = intervals(run, worker).filter(([s, a, b]) => s === 'sleeping' && b > a);
    assert.equal(sleeps.length, 1, 'the wait that timed out was a sleep');
    assert.match(String(sleeps[0][3]?.note), /timed out after 50 ms/);
    assert.equal(sleeps[0][3]?.obj, undefined, 'a sleep waits on nothing');
    assert.equal(sleeps[0][3]?.where, 'atomics.mjs:12');
    // It waited until the main thread stored 1, after its 400 ms timer: most of the worker's life.
    assert.ok(share(run, worker, ['lock-wait']) > 0.5, `lock-wait share ${share(run, worker, ['lock-wait'])}`);
    // Meanwhile the main thread slept on its timer.
    const slept = share(run, main, ['sleeping'], start, end);
    assert.ok(slept > 0.5, `main slept ${slept} of the worker's wait`);
  });

  it('marks an unref()ed worker daemon (it is cut off), and shows the wait for ref’d workers the script leaves behind as a join', async () => {
    const file = write(
      'daemons.mjs',
      `import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
if (isMainThread) {
  const forever = new Worker(new URL(import.meta.url), { workerData: null, name: 'forever' });
  const brief = new Worker(new URL(import.meta.url), { workerData: 600, name: 'brief' });
  await Promise.all([once(forever, 'online'), once(brief, 'online')]);
  forever.unref();
  await sleep(100);
  console.log('script done');
} else {
  const end = workerData === null ? Infinity : Date.now() + workerData;
  while (Date.now() < end) await sleep(20);
}
`,
    );
    const run = await traced(file);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'script done\n');
    checkStream(run);
    const lanesOf = (name: string) => lanes(run).filter((l) => l.name === name);
    const forever = lanesOf('forever');
    assert.equal(forever.length, 2, 'announced by the worker, then again by its parent with the flag');
    assert.equal(forever[0].daemon, undefined);
    assert.equal(forever[1].daemon, true);
    assert.ok(time(forever[1]) >= time(forever[0]), 'the flag comes after the worker’s own announcement');
    assert.equal(onLane(run, forever[0], 'end').length, 0, 'a daemon is cut off: no end');
    const [brief] = lanesOf('brief');
    assert.equal(brief.daemon, undefined);
    assert.equal(onLane(run, brief, 'end').length, 1);
    // While the script waited for the workers to come online, main was idle (it waited for an event),
    // not joining; once the script was done, the ref’d worker alone kept it alive: a join.
    const main = laneNamed(run, /^main /);
    const joins = intervals(run, main).filter(([s]) => s === 'join-wait');
    assert.ok(joins.length >= 1, 'main joins the ref’d worker');
    for (const [, , , e] of joins) {
      assert.equal(e?.obj, 'brief', 'only the ref’d worker is waited for');
      assert.match(String(e?.note), /keeps the event loop alive/);
    }
    const briefEnd = time(onLane(run, brief, 'end')[0]);
    assert.ok(joins[0][1] < briefEnd && joins.at(-1)![2] >= briefEnd - 5e6, 'the join lasts until the worker ends');
    assert.ok(onLane(run, main, 'mark').some((m) => m.m === 'join' && m.note === 'brief'));
  });

  it('gives a forked Node child its own lane (kind process) and a sync child call an io wait', async () => {
    const file = write(
      'forker.cjs',
      `const { fork, execFileSync } = require('node:child_process');
if (process.argv[2] === 'child') {
  let x = 0;
  const end = Date.now() + 200;
  while (Date.now() < end) x++;
  process.exit(3);
} else {
  const out = execFileSync(process.execPath, ['-e', 'setTimeout(() => console.log(42), 150)']).toString();
  const child = fork(__filename, ['child']);
  child.on('exit', (code) => {
    console.log('child', code, 'said', out.trim());
  });
}
`,
    );
    const run = await traced(file);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'child 3 said 42\n');
    checkStream(run);
    const main = laneNamed(run, /^main \(forker\.cjs\)$/);
    const child = laneNamed(run, /^process \d+ \(forker\.cjs\)$/);
    const syncChild = laneNamed(run, /^process \d+ \(node -e\)$/);
    for (const l of [child, syncChild]) {
      assert.equal(l.kind, 'process');
      assert.notEqual(l.pid, main.pid, 'its own process');
      if (LINUX) assert.equal(l.tid, l.pid);
    }
    assert.equal(child.where, 'forker.cjs:9', 'where the parent forked it');
    assert.equal(run.connections.length, 3, 'one connection per process');
    // The parent waited in execFileSync while the sync child lived.
    const syncWait = intervals(run, main).find(([s, , , e]) => s === 'io' && e?.note === 'execFileSync');
    assert.ok(syncWait, 'execFileSync is an io wait, as Python\'s Popen.wait');
    assert.match(String(syncWait[3]?.obj), /^child process \(.*node.* -e /);
    assert.equal(syncWait[3]?.where, 'forker.cjs:8');
    const [, , syncEnd] = intervals(run, syncChild).at(-1)!;
    assert.ok(syncWait[1] <= time(syncChild) && syncWait[2] >= syncEnd, 'the wait covers the child');
    // Then it waited for the forked child's exit.
    const [, , childEnd] = intervals(run, child).at(-1)!;
    const joined = share(run, main, ['join-wait'], time(child), childEnd);
    assert.ok(joined > 0.7, `main joined ${joined} of the child's life`);
    assert.ok(onLane(run, main, 'mark').some((m) => m.m === 'join' && m.note === child.name));
  });

  it('answers a dump: each lane with where it waits, even for threads blocked in Atomics.wait', async () => {
    const file = write(
      'deadlock.mjs',
      `import { Worker, isMainThread, workerData } from 'node:worker_threads';
if (isMainThread) {
  const cells = new Int32Array(new SharedArrayBuffer(8));
  const a = new Worker(new URL(import.meta.url), { workerData: { cells, me: 0 } });
  const b = new Worker(new URL(import.meta.url), { workerData: { cells, me: 1 } });
  await Promise.all([a, b].map((w) => new Promise((r) => w.on('exit', r))));
} else {
  const { cells, me } = workerData;
  function takeTheOtherLock() {
    Atomics.wait(cells, me, 0);
  }
  takeTheOtherLock();
}
`,
    );
    let dumps: JsonEvent[][] = [];
    const run = await traced(file, [], (collector, kill) => {
      void (async () => {
        const blocked = (cs: Connection[]) => cs.filter((c) => c.events.some((e) => e.k === 'state' && e.s === 'lock-wait')).length === 2;
        await collector.until(blocked, 60_000);
        for (const c of collector.connections) c.send!({ k: 'dump' });
        await collector.until((cs) => cs.every((c) => c.events.some((e) => e.k === 'dumped')), 20_000);
        dumps = collector.connections.map((c) => c.events.filter((e) => e.k === 'stuck' || e.k === 'dumped'));
        kill();
      })().catch(kill);
    });
    assert.equal(run.signal, 'SIGKILL', 'stopped by the test, as the engine does at its timeout');
    assert.equal(dumps.length, 3, 'every connection answered');
    for (const d of dumps) assert.equal(d.filter((e) => e.k === 'dumped').length, 1, 'one dumped per connection');
    const stuck = dumps.flat().filter((e) => e.k === 'stuck');
    const main = laneNamed(run, /^main /);
    const workers = lanes(run).filter((l) => l.kind === 'worker');
    assert.equal(workers.length, 2);
    assert.deepEqual(new Set(stuck.map((s) => s.lane)), new Set([main.lane, ...workers.map((w) => w.lane)]), 'one stuck per lane');
    for (const w of workers) {
      const s = stuck.find((e) => e.lane === w.lane)!;
      assert.equal(s.obj, 'Atomics.wait');
      const frames = s.frames as { file: string; line: number; func: string }[];
      assert.ok(frames.length >= 2, JSON.stringify(frames));
      assert.deepEqual(frames.at(-1), { file: fs.realpathSync(file), line: 10, func: 'takeTheOtherLock' });
      assert.ok(frames.every((f) => !/autotrace/.test(f.file)), 'no tracer frames');
    }
    assert.match(String(stuck.find((e) => e.lane === main.lane)?.obj), /^Worker \d+ \(deadlock\.mjs\)$/, 'the main thread waits for a worker');
  });

  it('sends nothing and changes nothing when CLAB_TRACE is unset; keeps argv, output and exit code when set', async () => {
    const file = write(
      'plain.mjs',
      `console.log(JSON.stringify(process.argv.slice(2)));
console.error('to stderr');
process.exitCode = 7;
`,
    );
    const collector = await TinyCollector.start();
    try {
      const untraced = await runNode(file, ['a b', '--c'], {});
      assert.equal(untraced.code, 7);
      assert.equal(untraced.stdout, '["a b","--c"]\n');
      assert.equal(untraced.stderr, 'to stderr\n');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(collector.connections.length, 0, 'no connection without CLAB_TRACE');
    } finally {
      await collector.close();
    }
    const run = await traced(file, ['a b', '--c']);
    assert.equal(run.code, 7);
    assert.equal(run.stdout, '["a b","--c"]\n');
    assert.equal(run.stderr, 'to stderr\n');
    checkStream(run);
    assert.equal(run.connections.length, 1);
    assert.equal(onLane(run, laneNamed(run, /^main \(plain\.mjs\)$/), 'end').length, 1);
  });

  it('runs the program untraced, with one line on stderr, when the engine cannot be reached', async () => {
    const file = write('unreached.mjs', `console.log('ran');\n`);
    const run = await runNode(file, [], { CLAB_TRACE: '127.0.0.1:1:nobody' });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, 'ran\n');
    assert.match(run.stderr, /^labtrace: not tracing \(.+\)\n$/);
  });
});

/**
 * The cost figures of docs/node-tracer.md, by hand: `CLAB_BENCH=1 npx mocha --no-config --timeout 0
 * out/test/unit/node-auto.test.js`. Plain and traced runs alternate; medians are printed, nothing is
 * judged (the machine's load decides the absolute times).
 */
if (process.env.CLAB_BENCH) describe('automatic Node tracer: cost (CLAB_BENCH=1)', function () {
  this.timeout(0);
  const rounds = Number(process.env.CLAB_BENCH_ROUNDS ?? 9);
  const programs: Record<string, string> = {
    'cpu.mjs': `const t0 = performance.now();
let n = 0;
for (let i = 2; i < 3_000_000; i++) { let p = true; for (let d = 2; d * d <= i; d++) if (i % d === 0) { p = false; break; } if (p) n++; }
console.log(JSON.stringify({ ms: performance.now() - t0, n }));
`,
    'pingpong.mjs': `import { Worker, isMainThread, parentPort } from 'node:worker_threads';
if (isMainThread) {
  const w = new Worker(new URL(import.meta.url));
  await new Promise((r) => w.once('online', r));
  const N = 20000; let i = 0;
  const t0 = performance.now();
  await new Promise((resolve) => { w.on('message', () => { if (++i === N) resolve(); else w.postMessage(i); }); w.postMessage(0); });
  console.log(JSON.stringify({ ms: performance.now() - t0 }));
  await w.terminate();
} else parentPort.on('message', (m) => parentPort.postMessage(m));
`,
    'wstart.mjs': `import { Worker, isMainThread, parentPort } from 'node:worker_threads';
if (isMainThread) {
  const times = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    const w = new Worker(new URL(import.meta.url));
    await new Promise((r) => w.once('message', r));
    times.push(performance.now() - t0);
    await new Promise((r) => w.once('exit', r));
  }
  console.log(JSON.stringify({ ms: times.sort((a, b) => a - b)[4] }));
} else parentPort.postMessage(0);
`,
    'awaits.mjs': `async function f(i) { await null; return i; }
const t0 = performance.now();
for (let i = 0; i < 1e6; i++) await f(i);
console.log(JSON.stringify({ ms: performance.now() - t0 }));
`,
    'e0.cjs': '',
  };
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-node-auto-bench-'));
    for (const [name, text] of Object.entries(programs)) write(name, text);
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const name of Object.keys(programs)) {
    it(name, async () => {
      const collector = await TinyCollector.start();
      const modes: Record<string, NodeJS.ProcessEnv> = {
        plain: { NODE_OPTIONS: process.env.NODE_OPTIONS ?? '' },
        'preload, untraced': {},
        traced: collector.env(TOKEN),
      };
      const wall: Record<string, number[]> = {};
      const own: Record<string, number[]> = {};
      try {
        for (let r = 0; r < rounds; r++) {
          const order = r % 2 ? Object.keys(modes).reverse() : Object.keys(modes);
          for (const mode of order) {
            const t0 = performance.now();
            const run = await runNode(path.join(dir, name), [], modes[mode]);
            (wall[mode] ??= []).push(performance.now() - t0);
            if (run.stdout) (own[mode] ??= []).push((JSON.parse(run.stdout) as { ms: number }).ms);
          }
        }
      } finally {
        await collector.close();
      }
      const line = Object.keys(modes).map((m) => {
        const w = median(wall[m]);
        const o = own[m] ? median(own[m]) : undefined;
        return `${m}: wall ${w.toFixed(0)} ms (×${(w / median(wall.plain)).toFixed(2)})` + (o !== undefined ? `, own ${o.toFixed(0)} ms (×${(o / median(own.plain)).toFixed(2)})` : '');
      });
      console.log(`      ${name}, ${rounds} rounds, load ${os.loadavg()[0].toFixed(1)}: ${line.join(' | ')}`);
    });
  }
});
