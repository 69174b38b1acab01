/**
 * The automatic Python tracer (bootstrap/sitecustomize.py → _labtrace_auto.py) against a tiny
 * collector: plain programs that know nothing of the tracer, run as the engine runs them (PYTHONPATH
 * = bootstrap:programs, `-X utf8 -u`), on every interpreter 3.8+ installed here. Lanes, the waits each
 * hook reports (only when a call really blocks), multiprocessing under fork/spawn/forkserver, a Python
 * subprocess, asyncio tasks, the dump of a deadlock, and nothing at all when CLAB_TRACE is unset.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installedPythons, PYTHON_FIXTURES, runPython, TinyCollector, type Connection, type JsonEvent, type PythonRun } from '../fixtures/python/pythonHarness';

const PROGRAMS: Record<string, string> = {
  'threads.py': `import argparse, queue, threading, time
from concurrent.futures import ThreadPoolExecutor

parser = argparse.ArgumentParser()
parser.add_argument('--workers', type=int, required=True)
parser.add_argument('--label', default='none')
args = parser.parse_args()
print('workers', args.workers, 'label', args.label)

lock = threading.Lock()  # LOCK
held, go = threading.Event(), threading.Event()


def hold():
    with lock:
        held.set()
        go.wait()
        time.sleep(0.3)  # SLEEP


def want():
    held.wait()
    go.set()
    with lock:  # WANT
        pass


holder = threading.Thread(target=hold, name='holder')
holder.start()  # START
held.wait()
wanter = threading.Thread(target=want, name='wanter')
wanter.start()
holder.join()  # JOIN
wanter.join()

cond = threading.Condition()
event = threading.Event()
q = queue.Queue()  # QUEUE


def consumer():
    q.get()
    with cond:
        cond.wait(5)
    event.wait()


c = threading.Thread(target=consumer, name='consumer')
c.start()
time.sleep(0.3)
q.put(1)
time.sleep(0.3)
with cond:
    cond.notify()
time.sleep(0.3)
event.set()
c.join()


def square(n):
    time.sleep(0.05)
    return n * n


with ThreadPoolExecutor(max_workers=args.workers) as pool:
    futures = [pool.submit(square, n) for n in range(4)]
    print('last', futures[3].result())
print('done', threading.active_count())
`,
  'procs.py': `import multiprocessing as mp
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def crunch(n):
    time.sleep(0.05)
    return n * 2


if __name__ == '__main__':
    ctx = mp.get_context(sys.argv[1])
    p = ctx.Process(target=crunch, args=(1,), name='cruncher')
    p.start()  # PSTART
    p.join()
    with ctx.Pool(2) as pool:
        print(pool.map(crunch, range(4)))
    with ProcessPoolExecutor(1, mp_context=ctx) as executor:
        print(executor.submit(crunch, 5).result())
`,
  'sub.py': `import subprocess
import sys

out = subprocess.run([sys.executable, '-c', 'import time; time.sleep(0.1); print("child ok")'],
                     capture_output=True, text=True)
print(out.stdout.strip())
`,
  'aio.py': `import asyncio


async def nap(n):
    await asyncio.sleep(0.1 * n)  # NAP
    return n


async def main():
    tasks = [asyncio.create_task(nap(n), name='nap-%d' % n) for n in (1, 2)]
    print(await asyncio.gather(*tasks))


asyncio.run(main())
`,
  'deadlock.py': `import threading
import time

first = threading.Lock()  # FIRST
second = threading.Lock()  # SECOND


def transfer(a, b):
    with a:
        time.sleep(0.2)
        with b:  # INNER
            pass


threads = [threading.Thread(target=transfer, args=(first, second), daemon=True),
           threading.Thread(target=transfer, args=(second, first), daemon=True)]
for t in threads:
    t.start()
for t in threads:
    t.join()
`,
};

let dir = '';
/** 'file.py:N' of the line carrying `# MARK` in one of the programs above. */
function at(file: string, mark: string): string {
  const line = PROGRAMS[file].split('\n').findIndex((l) => l.includes(`# ${mark}`));
  assert.ok(line >= 0, mark);
  return `${file}:${line + 1}`;
}

const ofKind = (events: JsonEvent[], k: string): JsonEvent[] => events.filter((e) => e.k === k);
const states = (events: JsonEvent[], lane: unknown): JsonEvent[] => events.filter((e) => e.k === 'state' && e.lane === lane);

/** The lane as finally named (a lane event sent again with the same key renames it). */
function lanes(events: JsonEvent[]): Map<string, JsonEvent> {
  const byKey = new Map<string, JsonEvent>();
  for (const e of ofKind(events, 'lane')) byKey.set(String(e.lane), { ...byKey.get(String(e.lane)), ...e });
  return byKey;
}
const laneNamed = (events: JsonEvent[], name: string | RegExp): JsonEvent => {
  const found = [...lanes(events).values()].find((l) => (typeof name === 'string' ? l.name === name : name.test(String(l.name))));
  assert.ok(found, `a lane named ${String(name)} among ${[...lanes(events).values()].map((l) => l.name).join(', ')}`);
  return found;
};

/** Per lane, waits and 'cpu' alternate: every wait is followed by cpu before the next wait. */
function assertWaitsAlternate(events: JsonEvent[]): void {
  for (const key of lanes(events).keys()) {
    let waiting = false;
    for (const s of states(events, key)) {
      if (s.s === 'cpu') waiting = false;
      else {
        assert.ok(!waiting, `lane ${key}: ${String(s.s)} (${String(s.note)}) while already waiting`);
        waiting = true;
      }
    }
  }
}

interface Traced extends PythonRun {
  connections: Connection[];
}

async function traced(python: string, file: string, args: string[] = [], opts: { onStart?: (c: TinyCollector, stop: () => void) => void; token?: string } = {}): Promise<Traced> {
  const collector = await TinyCollector.start();
  const abort = new AbortController();
  try {
    const running = runPython(path.join(dir, file), args, collector.env(opts.token), 60_000, python, { bootstrap: true, cwd: dir, signal: abort.signal });
    opts.onStart?.(collector, () => abort.abort());
    const run = await running;
    await new Promise((r) => setTimeout(r, 150)); // the last bytes may trail the exit slightly
    return { ...run, connections: collector.connections };
  } finally {
    await collector.close();
  }
}

const pythons = installedPythons().filter((p) => /^3\.(\d+)t?$/.test(p.version) && Number(p.version.split('.')[1].replace('t', '')) >= 8);

describe('automatic Python tracer (bootstrap, no change to the program)', function () {
  this.timeout(120_000);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-auto-'));
    for (const [name, text] of Object.entries(PROGRAMS)) fs.writeFileSync(path.join(dir, name), text);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  if (!pythons.length) it('finds no Python 3.8+ here (nothing to check)');

  for (const { version, path: python } of pythons) {
    describe(`on Python ${version} (${python})`, () => {
      it(`Python ${version}: threads, locks, conditions, events, queues, joins and a thread pool, with the program's own arguments`, async () => {
        const run = await traced(python, 'threads.py', ['--workers', '2', '--label', 'hello']);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, '', 'the tracer prints nothing');
        assert.match(run.stdout, /^workers 2 label hello\n/);
        assert.match(run.stdout, /last 9\ndone 1\n$/, 'the tracer starts no thread the program can see');
        assert.equal(run.connections.length, 1);
        const events = run.connections[0].events;
        const [hello] = events;
        assert.equal(hello.k, 'hello');
        assert.equal(String(hello.version).split('.').slice(0, 2).join('.'), version.replace('t', ''));
        const pid = hello.pid;
        const all = [...lanes(events).values()];
        assert.ok(all.every((l) => l.pid === pid && typeof l.tid === 'number'), 'every lane has pid and native tid');
        assert.equal(new Set(all.map((l) => l.lane)).size, all.length);
        const main = laneNamed(events, 'MainThread');
        assert.equal(main.kind, 'main');
        assert.equal(main.tid, pid);
        const holder = laneNamed(events, 'holder');
        const wanter = laneNamed(events, 'wanter');
        assert.deepEqual([holder.kind, holder.target, holder.where, holder.daemon], ['thread', 'hold', at('threads.py', 'START'), false]);
        assert.equal(wanter.target, 'want');

        // sleeping, and a contended lock named by its creation site, with the lane holding it
        assert.ok(states(events, holder.lane).some((s) => s.s === 'sleeping' && /^time\.sleep\([0-9.e-]+\)$/.test(String(s.note)) && s.where === at('threads.py', 'SLEEP')));
        const lockWait = states(events, wanter.lane).find((s) => s.s === 'lock-wait');
        assert.ok(lockWait, 'wanter waited for the lock');
        assert.equal(lockWait.obj, `Lock (${at('threads.py', 'LOCK')})`);
        assert.equal(lockWait.holder, holder.lane);
        assert.equal(lockWait.where, at('threads.py', 'WANT'));
        assert.ok(ofKind(events, 'mark').some((m) => m.lane === wanter.lane && m.m === 'acquire' && m.obj === lockWait.obj));
        assert.ok(!states(events, holder.lane).some((s) => s.s === 'lock-wait' && String(s.obj).startsWith('Lock')), 'a free lock is no wait');
        assert.ok(!states(events, wanter.lane).some((s) => s.note === 'Event.wait'), 'nor is a set Event');
        assert.ok(states(events, main.lane).some((s) => s.s === 'join-wait' && s.note === 'Thread.join' && s.obj === 'holder' && s.where === at('threads.py', 'JOIN')));

        // Queue.get, Condition.wait and Event.wait, each one lock-wait span (outer label wins)
        const consumer = laneNamed(events, 'consumer');
        const waits = states(events, consumer.lane).filter((s) => s.s !== 'cpu');
        assert.deepEqual(waits.map((s) => `${String(s.s)} ${String(s.note)}`), ['lock-wait Queue.get', 'lock-wait Condition.wait', 'lock-wait Event.wait']);
        assert.equal(waits[0].obj, `Queue (${at('threads.py', 'QUEUE')})`);

        // the pool: workers idle while waiting for work, a task mark per task, joins in the main thread
        const workers = all.filter((l) => /^ThreadPoolExecutor-\d+_\d+$/.test(String(l.name)));
        assert.equal(workers.length, 2);
        assert.ok(workers.every((w) => w.kind === 'thread' && w.target === '_worker'));
        const taskMarks = ofKind(events, 'mark').filter((m) => m.m === 'task');
        assert.deepEqual(taskMarks.map((m) => m.note).sort(), ['square(0)', 'square(1)', 'square(2)', 'square(3)']);
        assert.ok(taskMarks.every((m) => workers.some((w) => w.lane === m.lane)));
        assert.ok(workers.some((w) => states(events, w.lane).some((s) => s.s === 'idle' && s.note === 'waiting for work')));
        const mainWaits = states(events, main.lane).map((s) => s.note);
        assert.ok(mainWaits.includes('Future.result'));
        assert.ok(mainWaits.includes('Executor.shutdown'));

        assertWaitsAlternate(events);
        // every lane ends (no daemon threads here), the main lane last
        const ends = ofKind(events, 'end');
        assert.deepEqual(new Set(ends.map((e) => e.lane)), new Set(all.map((l) => l.lane)));
        assert.equal(ends[ends.length - 1].lane, main.lane);
        // Thread CPU time rides along on every end and, on Linux (where the engine reads the kernel's
        // counters once the lane event arrives), on each lane's events of its first 250 ms.
        const startOf = new Map(all.map((l) => [l.lane, Number(l.t)]));
        const needsC = (e: { lane?: unknown; t?: unknown; k: string }) =>
          e.k === 'end' || process.platform !== 'linux' || Number(e.t) - (startOf.get(String(e.lane)) ?? 0) <= 250e6;
        for (const e of [...ofKind(events, 'state'), ...ends]) if (needsC(e)) assert.equal(typeof e.c, 'number', 'thread CPU time rides along');
      });

      for (const method of ['fork', 'spawn', 'forkserver']) {
        it(`Python ${version}: multiprocessing under ${method} — one connection per child process, process lanes named by multiprocessing`, async () => {
          const run = await traced(python, 'procs.py', [method]);
          assert.equal(run.code, 0, run.stderr);
          assert.equal(run.stderr, '');
          assert.equal(run.stdout, '[0, 2, 4, 6]\n10\n');
          // the program, the Process, two Pool workers, one executor worker: no forkserver, no resource
          // tracker. On a busy machine one pool worker may still be starting when the pool's exit
          // terminates it (the other did every task): it never ran the program's code, so no lane
          const shown = run.connections.map((c) => JSON.stringify([...lanes(c.events).values()].map((l) => l.name))).join(' ');
          assert.ok(run.connections.length === 5 || run.connections.length === 4, shown);
          const [parent, ...children] = run.connections;
          const parentPid = parent.events[0].pid;
          const main = laneNamed(parent.events, 'MainThread');
          assert.equal(main.kind, 'main');
          assert.ok(states(parent.events, main.lane).some((s) => s.s === 'join-wait' && s.note === 'Process.join' && s.obj === 'cruncher'));
          assert.ok(states(parent.events, main.lane).some((s) => s.s === 'join-wait' && s.note === 'Pool.map'));
          const keys = run.connections.flatMap((c) => [...lanes(c.events).keys()]);
          assert.equal(new Set(keys).size, keys.length, 'lane keys are unique across processes');
          const prefix = { fork: 'Fork', spawn: 'Spawn', forkserver: 'ForkServer' }[method];
          const names: string[] = [];
          for (const child of children) {
            assert.equal(child.events[0].k, 'hello');
            assert.notEqual(child.events[0].pid, parentPid);
            const childLanes = [...lanes(child.events).values()];
            assert.equal(childLanes.length, 1, 'one lane: the process main thread (the tracer thread is none)');
            const [lane] = childLanes;
            assert.equal(lane.kind, 'process');
            assert.equal(lane.pid, child.events[0].pid);
            assert.equal(lane.tid, child.events[0].pid);
            names.push(String(lane.name));
            assert.ok(ofKind(child.events, 'mark').some((m) => m.m === 'start'), `${String(lane.name)} marks its start`);
          }
          assert.deepEqual(names.filter((n) => !n.includes('PoolWorker')).sort(), ['cruncher', `${prefix}Process-4`].sort());
          assert.equal(names.filter((n) => new RegExp(`^${prefix}PoolWorker-\\d+$`).test(n)).length, run.connections.length - 3);
          const cruncher = children.find((c) => laneNamed(c.events, /./).name === 'cruncher')!;
          const cruncherLane = laneNamed(cruncher.events, 'cruncher');
          assert.equal(cruncherLane.target, 'crunch');
          assert.equal(cruncherLane.where, at('procs.py', 'PSTART'));
          assert.equal(ofKind(cruncher.events, 'end').length, 1, 'flushed before the child exits');
          assert.ok(states(cruncher.events, cruncherLane.lane).some((s) => s.s === 'sleeping'));
          const tasks = children.flatMap((c) => ofKind(c.events, 'mark').filter((m) => m.m === 'task').map((m) => String(m.note)));
          assert.deepEqual(tasks.sort(), ['crunch(0)', 'crunch(1)', 'crunch(2)', 'crunch(3)', 'crunch(5)']);
        });
      }

      it(`Python ${version}: a Python subprocess traces itself on its own connection`, async () => {
        const run = await traced(python, 'sub.py');
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, 'child ok\n');
        assert.equal(run.connections.length, 2);
        const [parent, child] = run.connections;
        const main = laneNamed(parent.events, 'MainThread');
        assert.ok(states(parent.events, main.lane).some((s) => s.s === 'io' && s.note === 'Popen.communicate' && /^sub\.py:[45]$/.test(String(s.where))));
        const childLane = laneNamed(child.events, 'python -c');
        assert.equal(childLane.kind, 'process');
        assert.ok(states(child.events, childLane.lane).some((s) => s.s === 'sleeping' && /^time\.sleep\([0-9.e-]+\)$/.test(String(s.note))));
      });

      it(`Python ${version}: asyncio tasks get lanes on the loop thread, with their sleeps and the gather`, async () => {
        const run = await traced(python, 'aio.py');
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, '[1, 2]\n');
        const { events } = run.connections[0];
        const main = laneNamed(events, 'MainThread');
        const taskLanes = [...lanes(events).values()].filter((l) => l.kind === 'task');
        assert.deepEqual(taskLanes.map((l) => l.name).sort(), ['Task-1', 'nap-1', 'nap-2']);
        assert.ok(taskLanes.every((l) => l.tid === main.tid && l.pid === main.pid));
        for (const name of ['nap-1', 'nap-2']) {
          const lane = laneNamed(events, name);
          assert.equal(lane.target, 'nap');
          assert.ok(states(events, lane.lane).some((s) => s.s === 'sleeping' && s.note === 'asyncio.sleep' && s.where === at('aio.py', 'NAP')));
          assert.ok(ofKind(events, 'end').some((e) => e.lane === lane.lane));
        }
        assert.ok(states(events, laneNamed(events, 'Task-1').lane).some((s) => s.s === 'join-wait' && s.note === 'gather'));
        assert.ok(states(events, main.lane).some((s) => s.s === 'idle' && s.note === 'event loop'));
        assertWaitsAlternate(events);
      });

      it(`Python ${version}: a deadlock explains itself when the engine asks for a dump`, async () => {
        let dumped: JsonEvent[] = [];
        const run = await traced(python, 'deadlock.py', [], {
          onStart: (collector, stop) => {
            const waitingTwice = (cs: Connection[]): boolean => cs.length > 0 && cs[0].events.filter((e) => e.k === 'state' && e.s === 'lock-wait').length >= 2;
            void collector
              .until(waitingTwice)
              .then(() => {
                collector.connections[0].send!({ k: 'dump' });
                return collector.until((cs) => cs[0].events.some((e) => e.k === 'dumped'));
              })
              .then(() => {
                dumped = [...collector.connections[0].events];
              })
              .finally(stop);
          },
        });
        assert.equal(run.code, null, 'stopped by the test, as the engine would at its timeout');
        assert.ok(dumped.length, 'the dump was answered');
        const stuck = ofKind(dumped, 'stuck');
        const threadLanes = [...lanes(dumped).values()].filter((l) => l.kind === 'thread');
        assert.equal(threadLanes.length, 2);
        const [a, b] = threadLanes.map((l) => stuck.find((s) => s.lane === l.lane)!);
        assert.ok(a && b, 'both threads answer');
        assert.deepEqual(new Set([a.obj, b.obj]), new Set([`Lock (${at('deadlock.py', 'FIRST')})`, `Lock (${at('deadlock.py', 'SECOND')})`]));
        assert.equal(a.holder, b.lane);
        assert.equal(b.holder, a.lane);
        for (const s of [a, b]) {
          const frames = s.frames as { file: string; line: number; func: string }[];
          const last = frames[frames.length - 1];
          assert.equal(last.func, 'transfer');
          assert.equal(`${path.basename(last.file)}:${last.line}`, at('deadlock.py', 'INNER'));
          assert.ok(frames.every((f) => !/_labtrace|sitecustomize/.test(f.file)), 'no tracer frames');
        }
        const main = laneNamed(dumped, 'MainThread');
        assert.ok(stuck.some((s) => s.lane === main.lane), 'the main thread answers too');
        assert.equal(dumped[dumped.length - 1].k, 'dumped');
      });

      it(`Python ${version}: with CLAB_TRACE unset the bootstrap does nothing`, async () => {
        const collector = await TinyCollector.start();
        try {
          const run = await runPython(path.join(dir, 'threads.py'), ['--workers', '1'], {}, 60_000, python, { bootstrap: true, cwd: dir });
          assert.equal(run.code, 0, run.stderr);
          assert.equal(run.stderr, '');
          assert.match(run.stdout, /^workers 1 label none\n[\s\S]*last 9\ndone 1\n$/);
          assert.equal(collector.connections.length, 0);
        } finally {
          await collector.close();
        }
      });
    });
  }

  describe('on the default python3', () => {
    it('runs untraced, with one line on stderr, when the engine cannot be reached', async () => {
      const run = await runPython(path.join(dir, 'sub.py'), [], { CLAB_TRACE: '127.0.0.1:1:tok' }, 60_000, 'python3', { bootstrap: true, cwd: dir });
      assert.equal(run.code, 0);
      assert.equal(run.stdout, 'child ok\n');
      const lines = run.stderr.trim().split('\n');
      assert.ok(lines.length >= 1 && lines.every((l) => /^labtrace: cannot reach the engine/.test(l)), run.stderr);
    });

    it("runs the program's own sitecustomize after the bootstrap's", async () => {
      const own = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-site-'));
      try {
        fs.writeFileSync(path.join(own, 'sitecustomize.py'), "import builtins\nbuiltins.OWN_SITE = 'ran'\n");
        const probe = path.join(own, 'probe.py');
        fs.writeFileSync(probe, "import builtins, time\ntime.sleep(0.01)\nprint(getattr(builtins, 'OWN_SITE', 'missing'))\n");
        const collector = await TinyCollector.start();
        try {
          const run = await runPython(probe, [], { ...collector.env(), PYTHONPATH: own }, 60_000, 'python3', { bootstrap: true, cwd: own });
          assert.equal(run.stdout, 'ran\n', run.stderr);
          await new Promise((r) => setTimeout(r, 150));
          assert.ok(collector.events.some((e) => e.k === 'state' && e.s === 'sleeping'), 'and is traced');
        } finally {
          await collector.close();
        }
      } finally {
        fs.rmSync(own, { recursive: true, force: true });
      }
    });

    it('lesson programs: the explicit API defers to the hooks (variants and outcomes still sent, no extra lanes)', async () => {
      const collector = await TinyCollector.start();
      try {
        // the lesson's race as written for the explicit API (the shipped one is plain code now)
        const racePy = path.join(PYTHON_FIXTURES, 'annotated', 'race.py');
        const lockLine = fs.readFileSync(racePy, 'utf8').split('\n').findIndex((l) => l.includes('trace.lock(Lock())')) + 1;
        const run = await runPython('race.py', ['--variant', 'lock', '--tasks', '6', '--threads', '3', '--scale', '0.5'], collector.env(), 60_000, 'python3', { bootstrap: true, cwd: path.dirname(racePy) });
        assert.equal(run.code, 0, run.stderr);
        await new Promise((r) => setTimeout(r, 150));
        assert.equal(collector.connections.length, 1);
        const { events } = collector.connections[0];
        const all = [...lanes(events).values()];
        assert.deepEqual(all.map((l) => l.kind).sort(), ['main', 'thread', 'thread', 'thread']);
        const lockWaits = ofKind(events, 'state').filter((s) => s.s === 'lock-wait');
        assert.ok(lockWaits.length >= 1);
        assert.ok(lockWaits.every((s) => s.obj === `Lock (race.py:${lockLine})`));
        // The holder is named when it is known, never the waiter itself (a thread that released and
        // queues again); in a handover whose new owner has not run yet it is left out, not guessed.
        assert.ok(lockWaits.filter((s) => typeof s.holder === 'string').length >= lockWaits.length / 2, JSON.stringify(lockWaits.map((s) => s.holder)));
        assert.ok(lockWaits.every((s) => s.holder !== s.lane), 'no thread holds what it waits for');
        assert.ok(ofKind(events, 'state').filter((s) => s.s === 'sleeping').length === 6, 'each deposit sleeps once (time.sleep hook, not trace.sleeping)');
        assert.equal(ofKind(events, 'mark').filter((m) => m.m === 'task').length, 6, 'one task mark per deposit, from the pool hook alone');
        assert.deepEqual(ofKind(events, 'variant').map((v) => v.id), ['lock']);
        assert.deepEqual(ofKind(events, 'variant-end').map((v) => v.id), ['lock']);
        assert.deepEqual(ofKind(events, 'outcome')[0], { k: 'outcome', expected: 6, actual: 6, ok: true });
        assertWaitsAlternate(events);
      } finally {
        await collector.close();
      }
    });
  });
});
