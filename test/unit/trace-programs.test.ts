/**
 * Real, unmodified programs traced by traceProgram (the engine of `concurrency-lab trace FILE`):
 * the standard library docs' examples, the lesson's programs and textbook cases, each in
 * test/fixtures/programs/python and runnable as `python3 file.py`. Each row says what the chart
 * must show: the lanes, what each lane mostly did (shares with margins, never milliseconds), the
 * output and the exit code. The whole table runs on the default python3; the rows marked `core` run
 * again on every installed interpreter 3.8–3.13. Each trace is saved as JSON (path in the messages).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { traceProgram } from '../../src/engine/index';
import { LANE_STATES, type Lane, type LaneState, type StackFrame, type StuckThread } from '../../src/shared/trace';
import { installedPythons } from '../fixtures/python/pythonHarness';
import { PROGRAMS_DIR, ProgramTrace, lineOf, objectNamed, targetNamed, threadNamed } from '../fixtures/programs/programTrace';

interface Row {
  file: string;
  /** What the row shows, when one program has several rows. */
  label?: string;
  args?: string[];
  /** Seconds; plain runs take at most 1.6 s, so the default leaves room for a slow machine. */
  timeoutS?: number;
  /** In the subset run on every interpreter. */
  core?: boolean;
  exit: number | 'timeout';
  stdout?: RegExp[];
  stderr?: RegExp[];
  /** Traced again, then not judged, when its lanes queued for a core over a quarter of the time. */
  cpuBound?: boolean;
  check(p: ProgramTrace): void;
}

const WAITING: LaneState[] = ['sleeping', 'lock-wait', 'join-wait', 'io', 'idle', 'blocked'];
const ON_CPU: LaneState[] = ['running', 'core-wait', 'gil-wait'];
const poolThread = /^ThreadPoolExecutor-\d+_\d+$/;
const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, 'g')) ?? []).length;

/** Threads that only sleep: mostly sleeping, never waiting for the GIL. */
function sleepers(p: ProgramTrace, lanes: Lane[]): void {
  p.expectDominant(lanes, 'sleeping');
  p.expectEachShare(lanes, 'gil-wait', { atMost: 0.05 });
}

const ROWS: Row[] = [
  {
    file: 'sleepers.py',
    core: true,
    exit: 0,
    stdout: [/^all awake$/m],
    check(p) {
      const threads = p.expectLanes({ kind: 'thread', name: threadNamed('nap'), target: 'nap' }, 3);
      sleepers(p, threads);
      p.expectEachShare(threads, 'sleeping', { atLeast: 0.7 });
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'contended.py',
    core: true,
    exit: 0,
    stdout: [/^done$/m],
    check(p) {
      // waits of 0, 50, 100 and 150 ms against 50 ms of holding each: 60 % of the threads' time
      const threads = p.expectLanes({ kind: 'thread', target: 'use' }, 4);
      p.expectShare(threads, 'lock-wait', { atLeast: 0.35, atMost: 0.85 });
      p.expectDominantIn(threads, 'lock-wait', 2);
      p.expectEachShare(threads, 'gil-wait', { atMost: 0.05 });
      p.expectNotes(threads, 'lock-wait', objectNamed('Lock', 'contended.py', 'threading.Lock()'));
      p.expectNotes(threads, 'lock-wait', new RegExp(`held by (${threads.map((t) => escape(t.name)).join('|')})`));
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'download_sequential.py',
    exit: 0,
    stdout: [/Total: [0-9.]+ s\./],
    check(p) {
      assert.equal(p.lanes({ kind: 'thread' }).length, 0, p.laneList());
      p.expectShare(p.main, 'sleeping', { atLeast: 0.75 });
      assert.equal(count(p.text('stdout'), /downloaded in/), 3);
    },
  },
  {
    file: 'download_threads.py',
    core: true,
    exit: 0,
    stdout: [/Total: [0-9.]+ s\./],
    check(p) {
      const threads = p.expectLanes({ kind: 'thread', name: threadNamed('download'), target: 'download' }, 3);
      sleepers(p, threads);
      p.expectDominant(p.main, 'join-wait');
      assert.equal(count(p.text('stdout'), /downloaded in/), 3);
    },
  },
  {
    file: 'download_subclass.py',
    exit: 0,
    stdout: [/Total: [0-9.]+ s\./],
    check(p) {
      const threads = p.expectLanes({ kind: 'thread', name: /^Thread-\d+$/ }, 3);
      sleepers(p, threads);
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'download_pool.py',
    core: true,
    exit: 0,
    stdout: [/Total: [0-9.]+ s\./],
    check(p) {
      // 6 downloads on 4 workers, the shutdown queued right behind them: a worker sleeps through
      // one or two downloads and leaves
      const workers = p.expectLanes({ kind: 'thread', name: poolThread, target: targetNamed('_worker') }, 4);
      sleepers(p, workers);
      p.expectEachShare(workers, 'sleeping', { atLeast: 0.85 });
      p.expectDominant(p.main, 'join-wait');
      assert.equal(count(p.text('stdout'), /downloaded in/), 6);
    },
  },
  {
    file: 'daemon_ping_pong.py',
    exit: 0,
    stdout: [/Ping/, /Pong/, /Main thread ends/],
    check(p) {
      const printers = p.expectLanes({ kind: 'thread', target: 'display', daemon: true }, 2);
      sleepers(p, printers);
      p.expectDominant(p.main, 'sleeping');
      // the printers are cut off when the main thread ends, not before
      const mainEnd = p.lastEnd(p.main);
      for (const lane of printers) assert.ok(p.lastEnd(lane) > 0.8 * mainEnd, `${lane.name} last seen ${p.lastEnd(lane)} µs, main ended ${mainEnd} µs (${p.saved})`);
    },
  },
  {
    file: 'race_no_lock.py',
    core: true,
    exit: 0,
    stdout: [/Balance: \d+\.0 \(expected 100\)/],
    check(p) {
      const balance = Number(/Balance: (\d+)/.exec(p.text('stdout'))?.[1]);
      assert.ok(balance < 100, `lost updates expected, balance ${balance}`);
      const workers = p.expectLanes({ kind: 'thread', name: poolThread }, 16);
      p.expectShare(workers, 'sleeping', { atLeast: 0.5 });
      p.expectShare(workers, 'lock-wait', { atMost: 0.05 });
      p.expectShare(workers, 'gil-wait', { atMost: 0.1 });
    },
  },
  {
    file: 'race_lock.py',
    exit: 0,
    stdout: [/Balance: 100\.0 \(expected 100\)/],
    check(p) {
      // 16 workers, one holds the lock at a time: about 15/16 of their busy time is queueing
      const workers = p.expectLanes({ kind: 'thread', name: poolThread }, 16);
      p.expectShare(workers, 'lock-wait', { atLeast: 0.6 });
      p.expectDominantIn(workers, 'lock-wait', 12);
      p.expectNotes(workers, 'lock-wait', objectNamed('Lock', 'race_lock.py', 'threading.Lock()'));
      p.expectNotes(workers, 'lock-wait', /held by ThreadPoolExecutor-\d+_\d+/);
      // A thread that released the lock and queues again is not the holder of what it waits for.
      for (const w of workers) {
        const own = p.notes(w, 'lock-wait').filter((n) => n.note.endsWith(`held by ${w.name}`));
        assert.deepEqual(own, [], `${w.name} is named as holding the lock it waits for`);
      }
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'rlock_account.py',
    exit: 0,
    stdout: [/Balance: 100\.0 \(expected 100\)/],
    check(p) {
      const workers = p.expectLanes({ kind: 'thread', name: poolThread }, 16);
      p.expectShare(workers, 'lock-wait', { atLeast: 0.6 });
      p.expectNotes(workers, 'lock-wait', objectNamed('RLock', 'rlock_account.py', 'threading.RLock()'));
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'condition_bank.py',
    exit: 0,
    stdout: [/^Final balance: 0$/m],
    check(p) {
      // withdrawers wait 0.1–0.5 s for the money; depositors sleep until it arrives
      const withdrawers = p.expectLanes({ kind: 'thread', target: targetNamed('withdraw') }, 5);
      p.expectDominant(withdrawers, 'lock-wait');
      p.expectNotes(withdrawers, 'lock-wait', objectNamed('Condition', 'condition_bank.py', 'threading.Condition()'));
      sleepers(p, p.expectLanes({ kind: 'thread', target: 'depositor' }, 5));
      p.expectDominant(p.main, 'join-wait');
      assert.equal(count(p.text('stdout'), /withdrew 20/), 5);
    },
  },
  {
    file: 'producer_consumer.py',
    core: true,
    exit: 0,
    stdout: [/^consumer done, total 66$/m],
    check(p) {
      // the producer fills the 3 slots at once, then waits for room; the consumer sleeps per item
      const producer = p.laneByName('producer');
      p.expectDominant(producer, 'lock-wait');
      p.expectNotes(producer, 'lock-wait', /Queue|Condition/);
      p.expectDominant(p.laneByName('consumer'), 'sleeping');
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'queue_workers.py',
    core: true,
    exit: 0,
    stdout: [/^All work completed$/m],
    check(p) {
      const workers = p.expectLanes({ kind: 'thread', target: 'worker', daemon: true }, 3);
      sleepers(p, workers);
      // q.join() waits for the workers' task_done() calls: a queue wait, so lock-wait or join-wait
      p.expectDominant(p.main, ['lock-wait', 'join-wait']);
      assert.equal(count(p.text('stdout'), /Finished \d+/), 15);
    },
  },
  {
    file: 'deadlock.py',
    core: true,
    timeoutS: 2,
    exit: 'timeout',
    stdout: [/a->b: took the first lock/, /b->a: took the first lock/],
    check(p) {
      const threads = p.expectLanes({ kind: 'thread', target: 'transfer' }, 2);
      const stuck = p.v.stuck;
      assert.ok(stuck, `a stuck report (${p.saved})`);
      assert.deepEqual([...(stuck.deadlock ?? [])].sort(), threads.map((t) => t.id).sort(), `the cycle: ${stuck.summary} (${p.saved})`);
      const waitedFor = new Set<string>();
      for (const t of threads) {
        assert.match(stuck.summary ?? '', new RegExp(escape(t.name)));
        const other = threads.find((o) => o !== t)!;
        const entry: StuckThread | undefined = stuck.threads.find((s) => s.lane === t.id);
        assert.ok(entry, `${t.name} in the stuck report (${p.saved})`);
        waitedFor.add(entry.waitsFor ?? '');
        assert.equal(entry.heldBy, other.id, `${t.name}'s lock is held by ${other.name}`);
        // innermost frame: the `with second:` line of transfer()
        const inner: StackFrame | undefined = entry.frames[entry.frames.length - 1];
        assert.deepEqual([inner?.func, path.basename(inner?.file ?? ''), inner?.line], ['transfer', 'deadlock.py', lineOf('deadlock.py', 'with second:')], JSON.stringify(entry.frames));
      }
      // each waits for the lock the other took first: lock_a and lock_b
      assert.deepEqual([...waitedFor].sort(), [`Lock (deadlock.py:${lineOf('deadlock.py', 'lock_a =')})`, `Lock (deadlock.py:${lineOf('deadlock.py', 'lock_b =')})`]);
      p.expectDominant(threads, 'lock-wait');
      p.expectEachShare(threads, 'lock-wait', { atLeast: 0.6 });
      p.expectDominant(p.main, 'join-wait');
      assert.ok(stuck.threads.some((s) => s.lane === p.main.id), 'the main thread (joining) is in the stuck report');
    },
  },
  {
    file: 'deadlock_timeout.py',
    exit: 0,
    stdout: [/gave up on the second lock/, /^both transfers done$/m],
    check(p) {
      assert.equal(p.v.stuck, undefined);
      const threads = p.expectLanes({ kind: 'thread', target: 'transfer' }, 2);
      p.expectEachShare(threads, 'lock-wait', { atLeast: 0.1 });
      p.expectNotes(threads, 'lock-wait', /Lock \(deadlock_timeout\.py:\d+\)/);
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'barrier_runners.py',
    exit: 0,
    stdout: [/^all runners passed$/m],
    check(p) {
      // runner-0 arrives first and waits 0.2 s, runner-2 last and never waits
      const first = p.laneByName('runner-0');
      p.expectDominant(first, 'lock-wait');
      p.expectNotes(first, 'lock-wait', objectNamed('Barrier', 'barrier_runners.py', 'threading.Barrier('));
      const last = p.laneByName('runner-2');
      p.expectDominant(last, 'sleeping');
      p.expectShare(last, 'lock-wait', { atMost: 0.15 });
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'semaphore_connections.py',
    exit: 0,
    stdout: [/^all fetched$/m],
    check(p) {
      // six threads, two at a time for 0.1 s: four wait 0.1 or 0.2 s
      const threads = p.expectLanes({ kind: 'thread', target: 'fetch' }, 6);
      p.expectShare(threads, 'lock-wait', { atLeast: 0.3, atMost: 0.75 });
      p.expectDominantIn(threads, 'lock-wait', 2);
      p.expectNotes(threads, 'lock-wait', objectNamed('(Bounded)?Semaphore', 'semaphore_connections.py', 'BoundedSemaphore('));
    },
  },
  {
    file: 'http_client.py',
    core: true,
    exit: 0,
    stdout: [/^200 you asked for \/three$/m, /^client done$/m],
    check(p) {
      p.expectDominant(p.main, 'io');
      p.expectShare(p.main, 'io', { atLeast: 0.4 });
      const server = p.expectLanes({ kind: 'thread', name: threadNamed('serve_forever'), target: targetNamed('serve_forever'), daemon: true }, 1)[0];
      p.expectShare(server, ['sleeping', 'io'], { atLeast: 0.8 });
    },
  },
  {
    file: 'futures_urls.py',
    exit: 0,
    stdout: [/made-up-page' generated an exception: HTTP Error 404/],
    check(p) {
      assert.equal(count(p.text('stdout'), /page is \d+ bytes/), 4);
      // each worker loads one URL, waiting on its socket, then waits for work until shutdown
      const workers = p.expectLanes({ kind: 'thread', name: poolThread }, 5);
      const busy = workers.filter((w) => p.dominant(w, { until: p.busyUntil(w) }) === 'io');
      assert.ok(busy.length >= 4, `4+ workers mostly io until their last task ends: ${workers.map((w) => p.describe(w, { until: p.busyUntil(w) })).join(' | ')} (${p.saved})`);
      p.expectEachShare(workers, 'gil-wait', { atMost: 0.05 });
      // as_completed, then server.shutdown()
      p.expectShare(p.main, ['join-wait', 'lock-wait'], { atLeast: 0.4 });
      p.expectShare(p.main, 'join-wait', { atLeast: 0.15 });
      const handlers = p.expectLanes({ kind: 'thread', name: threadNamed('process_request_thread') }, 5);
      p.expectDominantIn(handlers, 'sleeping', 4);
    },
  },
  {
    file: 'futures_primes.py',
    core: true,
    cpuBound: true,
    exit: 0,
    stdout: [/^12000000000017 is prime: True$/m, /^13500079500077 is prime: False$/m],
    check(p) {
      assert.equal(count(p.text('stdout'), /is prime:/), 6);
      // two worker processes, each on a CPU from its start until its last task ends
      const workers = p.expectLanes({ kind: 'process', name: /^(Fork|Spawn|ForkServer)?Process-\d+$/ }, 2);
      for (const w of workers) {
        assert.notEqual(w.pid, p.main.pid, `${w.name} runs in its own process`);
        const window = { until: p.busyUntil(w) };
        p.expectDominant(w, 'running', () => window);
        p.expectShare(w, ['running', 'core-wait'], { atLeast: 0.85 }, window);
      }
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'mp_pool_square.py',
    exit: 0,
    stdout: [/^\[1, 4, 9\]$/m],
    check(p) {
      // Pool(5): five forked workers, three tiny tasks. Each lives some 20–50 ms, much of it its own
      // start-up (running), so idle is a good share but not always the largest: every worker reports
      // even though the pool's exit terminates them
      const workers = p.expectLanes({ kind: 'process', name: /^ForkPoolWorker-\d+$/ }, 5);
      p.expectShare(workers, 'idle', { atLeast: 0.2 });
      for (const w of workers) assert.notEqual(w.pid, p.main.pid);
    },
  },
  {
    file: 'mp_process_hello.py',
    exit: 0,
    stdout: [/^hello bob$/m, /^child exit code: 0$/m],
    check(p) {
      const child = p.expectLanes({ kind: 'process', name: /^(Fork)?Process-1$/, target: 'f' }, 1)[0];
      p.expectDominant(child, 'sleeping');
      p.expectDominant(p.main, 'join-wait');
      // the output's process ids are the lanes' process ids
      const ids = [...p.text('stdout').matchAll(/^process id: (\d+)$/gm)].map((m) => Number(m[1]));
      assert.deepEqual(ids, [p.main.pid, child.pid], `process ids printed vs lanes (${p.saved})`);
    },
  },
  {
    file: 'mp_queue.py',
    exit: 0,
    stdout: [/^\[42, None, 'hello'\]$/m, /^done$/m],
    check(p) {
      const child = p.expectLanes({ kind: 'process', target: 'f' }, 1)[0];
      p.expectDominant(child, 'sleeping');
      // q.get() in the parent reads a pipe the child writes to
      p.expectDominant(p.main, ['io', 'lock-wait']);
      p.expectShare(p.main, ON_CPU, { atMost: 0.3 });
    },
  },
  {
    file: 'mp_start_methods.py',
    core: true,
    exit: 0,
    stdout: [/^all three done$/m],
    check(p) {
      const out = p.text('stdout');
      for (const [name, method] of [['ForkProcess-1', 'fork'], ['SpawnProcess-2', 'spawn'], ['ForkServerProcess-3', 'forkserver']]) {
        const lane = p.laneByName(name);
        assert.equal(lane.kind, 'process', p.describe(lane));
        assert.equal(lane.target, 'whoami');
        assert.notEqual(lane.pid, p.main.pid);
        // a spawned child starts a whole interpreter first (hundreds of ms on a busy machine): it
        // sleeps a good share, not always the largest
        p.expectShare(lane, 'sleeping', { atLeast: 0.2 });
        const parent = Number(new RegExp(`^${name}: started by ${method}, parent (\\d+)$`, 'm').exec(out)?.[1]);
        // forkserver children are the fork server's, not the program's (os.times() misses them)
        if (method === 'forkserver') assert.notEqual(parent, p.main.pid, out);
        else assert.equal(parent, p.main.pid, out);
      }
      p.expectDominant(p.main, 'join-wait');
    },
  },
  {
    file: 'mp_set_start_method.py',
    args: ['spawn'],
    exit: 0,
    stdout: [/^spawn: \[0, 1, 4, 9, 16, 25, 36, 49\]$/m],
    check(p) {
      const workers = p.expectLanes({ kind: 'process', name: /^SpawnPoolWorker-\d+$/ }, 2);
      // a spawned worker imports for a while, then sleeps through its items and waits for more
      p.expectShare(workers, ['sleeping', 'idle'], { atLeast: 0.5 });
      p.expectShare(workers, 'sleeping', { atLeast: 0.25 });
    },
  },
  {
    file: 'mp_set_start_method.py',
    args: ['forkserver'],
    exit: 0,
    stdout: [/^forkserver: \[0, 1, 4, 9, 16, 25, 36, 49\]$/m],
    check(p) {
      const workers = p.expectLanes({ kind: 'process', name: /^ForkServerPoolWorker-\d+$/ }, 2);
      p.expectShare(workers, ['sleeping', 'idle'], { atLeast: 0.6 });
    },
  },
  {
    file: 'asyncio_gather.py',
    core: true,
    exit: 0,
    stdout: [/^\[2, 6, 24\]$/m],
    check(p) {
      const tasks = p.expectLanes({ kind: 'task', target: 'factorial' }, 3);
      p.expectDominant(tasks, 'sleeping');
      p.expectEachShare(tasks, 'sleeping', { atLeast: 0.7 });
      p.expectDominant(p.main, WAITING);
    },
  },
  {
    file: 'asyncio_taskgroup.py',
    core: true,
    exit: 0,
    stdout: [/^hello\nworld$/m, /^finished at /m],
    check(p) {
      for (const name of ['hello', 'world']) {
        const task = p.laneByName(name);
        assert.equal(task.kind, 'task');
        assert.match(task.target ?? '', targetNamed('say_after'));
        p.expectDominant(task, 'sleeping');
      }
    },
  },
  {
    file: 'gil_countdown.py',
    core: true,
    cpuBound: true,
    exit: 0,
    stdout: [/^two threads: [0-9.]+ s/m],
    check(p) {
      const threads = p.expectLanes({ kind: 'thread', target: 'countdown' }, 2);
      // wanting the CPU throughout: on it, queued, waiting for the GIL, or off it unseen (below)
      p.expectEachShare(threads, [...ON_CPU, 'blocked'], { atLeast: 0.95 });
      // nothing in the loop sleeps or blocks: a hooked wait here would be a misread GIL wait
      p.expectEachShare(threads, ['sleeping', 'io', 'lock-wait', 'join-wait', 'idle'], { atMost: 0.02 });
      // a GIL waiter wakes every 5 ms: between two readings that both found it running its short
      // sleeps are not seen, and stay "blocked (unknown)" unless a reading nearby saw the futex
      // (measured 1–21 % across 3.8–3.13 on a shared 2-core machine)
      p.expectEachShare(threads, 'blocked', { atMost: 0.35 });
      if (p.trace.env.gil !== false && p.trace.env.stateMethod === 'schedstat') {
        // one thread holds the GIL while the other waits for it
        p.expectEachShare(threads, 'gil-wait', { atLeast: 0.2 });
        p.expectEachShare(threads, 'running', { atMost: 0.75 });
        // so the two are never running at once: the kernel's tick (4 ms) and the order within one
        // sampling interval (unknown, running drawn first) allow short overlaps — longer when a busy
        // machine delays the 4 ms readings (48 ms seen once on 3.13 during a CI run) — never a long
        // one: without a GIL the two overlap for the whole phase, hundreds of ms
        const longest = Math.max(0, ...p.overlaps(threads[0], threads[1], 'running').map((o) => o.end - o.start));
        assert.ok(longest <= 80_000, `both countdown threads running at once for ${(longest / 1000).toFixed(0)} ms in a row: ${threads.map((t) => p.describe(t)).join(' | ')} (${p.saved})`);
        // and together they keep at most one core busy over the threaded phase
        const phase = Math.max(...threads.map((t) => p.lastEnd(t))) - Math.min(...threads.map((t) => p.firstStart(t)));
        const running = threads.reduce((sum, t) => sum + (p.totals(t).get('running') ?? 0), 0);
        assert.ok(running <= 1.2 * phase, `countdown threads running ${(running / 1000).toFixed(0)} ms in a ${(phase / 1000).toFixed(0)} ms phase (${p.saved})`);
      }
      p.expectShare(p.main, 'join-wait', { atLeast: 0.2 });
    },
  },
  {
    file: 'argparse_workers.py',
    label: 'its own flags',
    args: ['--workers', '3', '--items', '6', '--delay', '0.1', '--name', 'fetch', '-v'],
    exit: 0,
    stdout: [/^6 items on 3 workers: \[0, 1, 4, 9, 16, 25\]$/m],
    check(p) {
      assert.equal(count(p.text('stdout'), /squared \d/), 6, 'one -v line per item (threads may share a line)');
      assert.deepEqual(p.trace.program?.args, ['--workers', '3', '--items', '6', '--delay', '0.1', '--name', 'fetch', '-v']);
      sleepers(p, p.expectLanes({ kind: 'thread', name: /^fetch_\d$/ }, 3));
    },
  },
  {
    file: 'argparse_workers.py',
    label: 'a bad flag',
    args: ['--workers', 'zero'],
    exit: 2,
    stderr: [/argument --workers: invalid int value: 'zero'/, /^usage: argparse_workers\.py/m],
    check(p) {
      assert.equal(p.lanes({ kind: 'thread' }).length, 0, p.laneList());
      assert.equal(p.text('stdout'), '');
    },
  },
  {
    file: 'subprocess_run.py',
    exit: 0,
    stdout: [/^child said: child finished$/m, /^child exit code: 0$/m],
    check(p) {
      // the parent reads the child's pipe and waits for it: io
      p.expectDominant(p.main, 'io');
      // the child is a Python process too, so it is traced: a lane of its own, sleeping
      const child = p.expectLanes({ kind: 'process' }, 1)[0];
      assert.notEqual(child.pid, p.main.pid);
      p.expectDominant(child, 'sleeping');
    },
  },
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const title = (row: Row): string => [row.file, row.label && `(${row.label})`, ...(row.args ?? [])].filter(Boolean).join(' ');

const SAVE_DIR = path.join(os.tmpdir(), 'concurrency-lab-trace-programs');

/** Share of the lanes' wanted CPU time (main excluded) spent queued for a core. */
function coreWaitShare(p: ProgramTrace): number {
  const totals = p.totals(p.v.lanes.filter((l) => l.kind !== 'main'));
  const queued = totals.get('core-wait') ?? 0;
  return queued / Math.max(1, queued + (totals.get('running') ?? 0));
}

/**
 * Traces the row's program and checks it. A CPU-bound row whose lanes waited for a core more than
 * a quarter of the time (a neighbour held the machine) is traced again, up to 3 times, and else
 * reported as not judged instead of passing or failing on noise.
 */
async function traceRow(ctx: Mocha.Context, row: Row, python: { path?: string; tag: string }): Promise<ProgramTrace> {
  for (let attempt = 1; ; attempt++) {
    const p = await traceAndCheckCommon(row, python);
    const busy = row.cpuBound ? coreWaitShare(p) : 0;
    if (busy <= 0.25) {
      row.check(p);
      return p;
    }
    if (attempt === 3) {
      ctx.test!.title += ` — not judged: its lanes waited for a core ${(100 * busy).toFixed(0)}% of the time`;
      ctx.skip();
    }
  }
}

/** What every trace must hold: the contract's shape, the exit, the output. */
async function traceAndCheckCommon(row: Row, python: { path?: string; tag: string }): Promise<ProgramTrace> {
  const args = row.args ?? [];
  const streamed = { stdout: '', stderr: '' };
  const trace = await traceProgram(row.file, args, {
    runtime: 'python',
    pythonPath: python.path,
    cwd: PROGRAMS_DIR,
    timeoutMs: (row.timeoutS ?? 20) * 1000,
    onOutput: (stream, text) => (streamed[stream] += text),
  });
  fs.mkdirSync(SAVE_DIR, { recursive: true });
  const saved = path.join(SAVE_DIR, `${python.tag} ${title(row)}`.replace(/\.py\b/, '').replace(/[^\w.-]+/g, '-') + '.json');
  fs.writeFileSync(saved, JSON.stringify(trace, null, 1));
  const p = new ProgramTrace(trace, saved);
  const v = p.v;

  assert.equal(trace.schema, 2);
  assert.equal(trace.scenario, 'program');
  assert.equal(trace.runtime, 'python');
  assert.equal(v.id, 'program');
  assert.deepEqual(trace.program, { path: path.join(PROGRAMS_DIR, row.file), args });
  assert.deepEqual(trace.problems ?? [], [], `the engine's own checks (${saved})`);
  const laneIds = new Set(v.lanes.map((l) => l.id));
  for (const s of v.spans) {
    assert.ok(laneIds.has(s.lane) && LANE_STATES.includes(s.state) && s.end >= s.start, `a well-formed span: ${JSON.stringify(s)} (${saved})`);
  }
  if (row.exit === 'timeout') {
    assert.match(v.error ?? '', /timed out/, saved);
    assert.ok(v.stuck, `a stuck report (${saved})`);
    assert.ok(typeof v.exitCode !== 'number', `stopped by the engine, yet exit code ${v.exitCode} (${saved})`);
  } else {
    assert.equal(v.exitCode, row.exit, `exit code; stderr: ${p.text('stderr').slice(-600)} (${saved})`);
    assert.equal(v.error, undefined, saved);
    assert.equal(v.stuck, undefined, saved);
  }
  assert.equal(p.main.name, 'MainThread');
  for (const re of row.stdout ?? []) assert.match(p.text('stdout'), re, `stdout (${saved})`);
  for (const re of row.stderr ?? []) assert.match(p.text('stderr'), re, `stderr (${saved})`);
  if (!v.outputTruncated) {
    for (const stream of ['stdout', 'stderr'] as const) assert.equal(streamed[stream], p.text(stream), `onOutput saw the ${stream} the trace keeps`);
  }
  return p;
}

describe('trace FILE: real programs on the default python3', function () {
  this.timeout(60_000);
  for (const row of ROWS) {
    it(title(row), async function () {
      const p = await traceRow(this, row, { tag: 'default' });
      this.test!.title += ` · Python ${p.trace.env.python ?? '?'}`;
    });
  }
});

const INTERPRETERS = installedPythons().filter((py) => /^3\.(8|9|1[0-3])$/.test(py.version));

for (const py of INTERPRETERS) {
  describe(`trace FILE: core programs on Python ${py.version} (${py.path})`, function () {
    this.timeout(60_000);
    for (const row of ROWS.filter((r) => r.core)) {
      it(title(row), async function () {
        const p = await traceRow(this, row, { path: py.path, tag: `py${py.version}` });
        assert.match(p.trace.env.python ?? '', new RegExp(`^${escape(py.version)}\\.`), 'the trace names the interpreter it ran');
      });
    }
  });
}
