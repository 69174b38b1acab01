/**
 * Scheduler mode, run for real: the driver steps real `threading` threads of the level programs.
 * A schedule that loses an update loses it on every replay; the locked level ends right under every
 * schedule (all reachable states explored); the two-lock level has a deadlock with its cycle; the
 * re-entered Lock blocks its own thread and an RLock does not; `counter += 1` loses an increment only
 * when stepped by bytecode. Bad programs are reported, and no driver process outlives its session.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { installedPythons } from '../fixtures/python/pythonHarness';
import { findPython } from '../../src/engine/python/findPython';
import { runSchedules, SchedulerSession } from '../../src/engine/scheduler';
import { findLevel, goalReached, LEVELS, lostUpdates, parseDriverMessage, scheduleOf, type EndMessage, type LogEntry, type StateMessage } from '../../src/shared/scheduler';

const root = findPackageRoot(__dirname)!;
const levelFile = (file: string) => path.join(root, 'media', 'programs', 'python', 'levels', file);

interface Played {
  states: StateMessage[];
  end: EndMessage;
  log: LogEntry[];
}

/** Plays a level: `pick` chooses among the runnable threads of each state (undefined stops). */
async function play(python: string, program: string, pick: (s: StateMessage) => string | undefined, opts: { schedule?: string[]; bytecode?: boolean } = {}): Promise<Played> {
  const session = new SchedulerSession({ python, program, extensionRoot: root, ...opts });
  const states: StateMessage[] = [];
  const end = new Promise<EndMessage>((resolve, reject) => {
    session.onMessage((m) => {
      if (m.type === 'state') {
        states.push(m);
        if (m.status !== 'running') return;
        // A replay's states arrive without waiting for us: only the last one asks.
        if (opts.schedule && scheduleOf(states.flatMap((s) => s.log)).length < opts.schedule.length) return;
        const next = pick(m);
        if (next === undefined) void session.stop();
        else session.step(next);
      } else if (m.type === 'end') resolve(m);
      else if (m.type === 'error') reject(new Error(m.message));
    });
    void session.exited.then(() => reject(new Error('the driver exited without an end message')));
  });
  try {
    await session.hello;
    const e = await end;
    return { states, end: e, log: states.flatMap((s) => s.log) };
  } finally {
    await session.stop();
  }
}

const runnable = (s: StateMessage) => s.threads.filter((t) => t.runnable);
const named = (s: StateMessage, prefix: string) => runnable(s).find((t) => t.name.startsWith(prefix))?.name;

describe('scheduler mode (real Python threads, stepped by hand)', function () {
  this.timeout(180_000);
  let python = '';
  before(async function () {
    try {
      python = (await findPython()).executable;
    } catch {
      this.skip();
    }
  });

  it('level 1: both threads read before either writes, and one deposit is lost: named, and the same on replay', async () => {
    const file = levelFile(findLevel('lost-update')!.file);
    const readLine = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('new_balance = self.balance')) + 1;
    const at = (s: StateMessage, prefix: string) => s.threads.find((t) => t.name.startsWith(prefix));
    // Thread-1 reads; the main thread starts Thread-2; Thread-2 reads; then Thread-1 writes first.
    const order = (s: StateMessage): string | undefined => {
      if (at(s, 'Thread-1')?.line === readLine) return at(s, 'Thread-1')!.name;
      if (!at(s, 'Thread-2')) return named(s, 'MainThread');
      if (at(s, 'Thread-2')?.line === readLine) return at(s, 'Thread-2')!.name;
      return named(s, 'Thread-1') ?? named(s, 'Thread-2') ?? runnable(s)[0]?.name;
    };
    const first = await play(python, file, order);
    assert.equal(first.end.outcome, 'finished');
    assert.equal(first.end.ok, false, 'the balance is wrong');
    const last = first.states[first.states.length - 1];
    assert.equal(last.watch['account.balance'], '100');
    assert.ok(goalReached(findLevel('lost-update')!, last));
    const lost = lostUpdates(first.log);
    assert.equal(lost.length, 1, JSON.stringify(lost));
    assert.match(lost[0].lostThread, /^Thread-1/);
    assert.match(lost[0].thread, /^Thread-2/);
    assert.equal(lost[0].readValue, '0', 'Thread-2 computed from the balance before Thread-1 wrote');
    assert.ok(lost[0].readStep < lost[0].lostStep && lost[0].lostStep < lost[0].writeStep);
    assert.ok(first.states.some((s) => s.output.some((o) => o.text.includes('balance'))), 'the program printed its balance, kept by thread');

    const schedule = first.end.schedule;
    assert.deepEqual(schedule, scheduleOf(first.log));
    for (let i = 0; i < 2; i++) {
      const again = await play(python, file, () => undefined, { schedule });
      assert.equal(again.end.outcome, 'finished');
      assert.equal(again.end.ok, false);
      assert.deepEqual(again.log.map((e) => [e.thread, e.line, e.access]), first.log.map((e) => [e.thread, e.line, e.access]), 'a replay takes the same steps');
      assert.deepEqual(again.states[again.states.length - 1].watch, last.watch);
    }
  });

  it('level 2: with the lock, every reachable state ends with the right balance, and a waiting thread is shown blocked', async () => {
    const file = levelFile(findLevel('with-lock')!.file);
    const all = await runSchedules({ python, program: file, extensionRoot: root, exhaustive: {} });
    assert.equal(all.complete, true, 'every state explored');
    assert.equal(all.counts.wrong, 0);
    assert.equal(all.counts.deadlock, 0);
    assert.ok(all.counts.right > 0 && (all.states ?? 0) > 50, JSON.stringify(all));
    // Thread-1 takes the lock and stops inside; Thread-2 reaches the lock: blocked, held by Thread-1, not offered.
    let sawBlocked = false;
    await play(python, file, (s) => {
      const t2 = s.threads.find((t) => t.name.startsWith('Thread-2'));
      if (t2?.status === 'blocked') {
        assert.equal(t2.waitsFor?.name, 'self.lock');
        assert.match(t2.waitsFor?.heldBy ?? '', /^Thread-1/);
        assert.equal(t2.runnable, false);
        sawBlocked = true;
        return undefined;
      }
      const t1 = s.threads.find((t) => t.name.startsWith('Thread-1'));
      if (t1 && t1.line !== undefined && t1.line <= 19) return t1.name; // into the with block
      return named(s, 'Thread-2') ?? named(s, 'MainThread');
    });
    assert.ok(sawBlocked, 'Thread-2 was shown waiting for the lock');
  });

  it('level 3: counter += 1 is one step per line (never lost) but several by bytecode (lost)', async () => {
    const file = levelFile(findLevel('counter')!.file);
    const lines = await runSchedules({ python, program: file, extensionRoot: root, exhaustive: {} });
    assert.equal(lines.counts.wrong, 0, 'a whole line runs before another thread moves');
    const byCode = await runSchedules({ python, program: file, extensionRoot: root, bytecode: true, random: { runs: 200, seed: 7 } });
    assert.ok(byCode.counts.wrong > 0 && byCode.counts.right > 0, JSON.stringify(byCode.counts));
    const replay = await play(python, file, () => undefined, { schedule: byCode.examples.wrong, bytecode: true });
    assert.equal(replay.end.ok, false);
    assert.ok(replay.log.some((e) => e.instr !== undefined), 'steps name their instruction');
    assert.equal(lostUpdates(replay.log).length, 1, 'the lost increment is named');
  });

  it('level 4: two locks in opposite order can deadlock, and the cycle is named', async () => {
    const file = levelFile(findLevel('two-locks')!.file);
    const all = await runSchedules({ python, program: file, extensionRoot: root, exhaustive: {} });
    assert.ok(all.counts.deadlock >= 1 && all.counts.finished >= 1, JSON.stringify(all.counts));
    const stuck = await play(python, file, () => undefined, { schedule: all.examples.deadlock });
    assert.equal(stuck.end.outcome, 'deadlock');
    assert.equal(stuck.end.cycle.length, 2);
    assert.ok(stuck.end.cycle.some((n) => n.startsWith('Thread-1')) && stuck.end.cycle.some((n) => n.startsWith('Thread-2')), stuck.end.cycle.join(' -> '));
    const last = stuck.states[stuck.states.length - 1];
    assert.equal(last.status, 'deadlock');
    const waits = last.threads.filter((t) => t.waitsFor?.kind === 'lock').map((t) => `${t.waitsFor!.name}<-${t.waitsFor!.heldBy}`);
    assert.equal(waits.length, 2, JSON.stringify(last.threads));
  });

  it('level 5: a Lock taken again by its owner blocks forever; an RLock does not', async () => {
    const file = levelFile(findLevel('reenter')!.file);
    const lock = await play(python, file, (s) => runnable(s)[0]?.name);
    assert.equal(lock.end.outcome, 'deadlock');
    assert.equal(lock.end.cycle.length, 1, 'the thread waits for itself');
    assert.match(lock.end.cycle[0], /^Thread-1/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-sched-'));
    const copy = path.join(dir, 'reenter_rlock.py');
    fs.writeFileSync(copy, fs.readFileSync(file, 'utf8').replace('self.lock = threading.Lock()', 'self.lock = threading.RLock()'));
    const rlock = await play(python, copy, (s) => runnable(s)[0]?.name);
    assert.equal(rlock.end.outcome, 'finished');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every level runs and each goal is reachable under random schedules', async () => {
    for (const level of LEVELS) {
      const r = await runSchedules({ python, program: levelFile(level.file), extensionRoot: root, bytecode: level.bytecode, random: { runs: 100, seed: 1 } });
      const reached = level.goal === 'wrong-result' ? r.counts.wrong : level.goal === 'right-result' ? r.counts.right : r.counts.deadlock;
      assert.ok(reached > 0, `${level.id}: ${JSON.stringify(r.counts)}`);
      assert.equal(r.counts.lost, 0, `${level.id}: no run escaped the scheduler`);
    }
  });

  it('reports what it cannot control, a broken program, and a missing one; leaves no process behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-sched-'));
    try {
      // A wait the scheduler does not hook (a queue's get): reported as lost control, not a hang.
      const q = path.join(dir, 'queue_wait.py');
      fs.writeFileSync(q, 'import queue, threading\nq = queue.Queue()\nt = threading.Thread(target=q.get)\nt.start()\nq.put(1)\nt.join()\n');
      const lostRun = await runSchedules({ python, program: q, extensionRoot: root, random: { runs: 1, seed: 1 }, timeoutMs: 30_000 });
      assert.ok(lostRun.counts.lost + lostRun.counts.finished === 1, JSON.stringify(lostRun.counts));
      const broken = path.join(dir, 'broken.py');
      fs.writeFileSync(broken, 'def f(:\n');
      await assert.rejects(runSchedules({ python, program: broken, extensionRoot: root, random: { runs: 1 } }), /SyntaxError/);
      await assert.rejects(runSchedules({ python, program: path.join(dir, 'missing.py'), extensionRoot: root, random: { runs: 1 } }), /No such file|missing/);
      await assert.rejects(runSchedules({ python: path.join(dir, 'no-python'), program: broken, extensionRoot: root, random: { runs: 1 } }), /could not start/);
      await assert.rejects(runSchedules({ python, program: broken, extensionRoot: root, random: { runs: 0 } }), /whole number/);

      // A session stopped midway ends its process.
      const session = new SchedulerSession({ python, program: levelFile('race_two_deposits.py'), extensionRoot: root });
      await session.hello;
      await session.stop();
      const { code, signal } = await session.exited;
      assert.ok(code !== null || signal !== null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on every installed Python 3.8+', () => {
    for (const p of installedPythons().filter((x) => /^3\.(\d+)$/.test(x.version) && Number(x.version.split('.')[1]) >= 8)) {
      it(`${p.version}: every level reaches its goal, and the bytecode view stops the first thread at its first instruction`, async () => {
        for (const level of LEVELS) {
          const r = await runSchedules({ python: p.path, program: levelFile(level.file), extensionRoot: root, bytecode: level.bytecode, random: { runs: 100, seed: 2 } });
          const reached = level.goal === 'wrong-result' ? r.counts.wrong : level.goal === 'right-result' ? r.counts.right : r.counts.deadlock;
          assert.ok(reached > 0 && r.counts.lost === 0, `${level.id} on ${p.version}: ${JSON.stringify(r.counts)}`);
        }
        // Python 3.12+ starts opcode events switched on in a 'call' event only at the next call.
        const first = await play(p.path, levelFile('counter_increment.py'), () => undefined, { bytecode: true });
        const t1 = first.states[0].threads.find((t) => t.name.startsWith('Thread-1'));
        assert.equal(t1?.status, 'ready', JSON.stringify(first.states[0].threads));
        assert.match(t1?.instr ?? '', /^LOAD_(GLOBAL|NAME)/);
      });
    }
  });

  it('refuses malformed driver lines', () => {
    assert.equal(parseDriverMessage('not json'), undefined);
    assert.equal(parseDriverMessage('{"type":"state","step":1}'), undefined);
    assert.equal(parseDriverMessage('{"type":"end","outcome":"exploded","ok":null,"cycle":[],"schedule":[]}'), undefined);
    assert.ok(parseDriverMessage('{"type":"end","outcome":"deadlock","ok":null,"cycle":["A"],"schedule":["A"]}'));
  });
});

describe('lost updates from a step log (pure)', () => {
  const read = (step: number, thread: string, value: string): LogEntry => ({ step, thread, text: '', access: [{ watch: 'x', kind: 'read', value }] });
  const write = (step: number, thread: string, old: string, value: string): LogEntry => ({ step, thread, text: '', access: [{ watch: 'x', kind: 'write', old, value }] });

  it('names the overwritten write, its thread, and the stale read', () => {
    const lost = lostUpdates([read(1, 'A', '0'), read(2, 'B', '0'), write(3, 'A', '0', '1'), write(4, 'B', '1', '1')]);
    assert.deepEqual(lost, [{ watch: 'x', lostThread: 'A', lostStep: 3, lostValue: '1', thread: 'B', readStep: 2, readValue: '0', writeStep: 4, value: '1' }]);
  });

  it('finds nothing when each thread read after the last write', () => {
    assert.deepEqual(lostUpdates([read(1, 'A', '0'), write(2, 'A', '0', '1'), read(3, 'B', '1'), write(4, 'B', '1', '2')]), []);
  });

  it('counts a read and write in one step (a whole line) as no loss', () => {
    const both = (step: number, thread: string, old: string, value: string): LogEntry => ({
      step, thread, text: '', access: [{ watch: 'x', kind: 'read', value: old }, { watch: 'x', kind: 'write', old, value }],
    });
    assert.deepEqual(lostUpdates([both(1, 'A', '0', '1'), both(2, 'B', '1', '2')]), []);
  });
});
