/**
 * Trace This Program without an editor: the argument line (splitting, quoting back, which line
 * wins, the per-file memory), which files count as programs, the host's `trace` request check, and
 * the real engine host tracing a plain program through the run controller (arguments, working
 * folder, lanes, lock waits, output, cancel).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseToHost } from '../../src/shared/hostProtocol';
import { runtimeForFile } from '../../src/engine/traceProgram';
import type { RunProgress } from '../../src/shared/progress';
import { chooseArgsLine, joinArgs, MAX_REMEMBERED_FILES, ProgramArgsMemory, splitArgs, type ArgsStore } from '../../src/extension/run/programArgs';
import { PROGRAM_EXTENSIONS, programRuntime } from '../../src/extension/run/programFile';
import { RunController, isTraceSpec, type RunLogger, type TraceSpec } from '../../src/extension/run/runController';

const root = resolve(__dirname, '../../..');
const hostJs = join(root, 'dist', 'engineHost.js');
const quietLog = (): RunLogger => ({ info: () => undefined, warn: () => undefined, error: () => undefined });

describe('Trace This Program: the argument line', () => {
  const words = (line: string) => {
    const r = splitArgs(line);
    assert.ok(r.ok, `${line}: ${r.ok ? '' : r.problem}`);
    return r.args;
  };

  it('splits on blanks and keeps quoted words whole, as a POSIX shell would', () => {
    assert.deepEqual(words(''), []);
    assert.deepEqual(words('   \t '), []);
    assert.deepEqual(words('--input data.txt  -n 3'), ['--input', 'data.txt', '-n', '3']);
    assert.deepEqual(words(`--name "two words" 'it''s' ""`), ['--name', 'two words', 'its', '']);
    assert.deepEqual(words(`'a "b" $HOME \\n'`), ['a "b" $HOME \\n']);
    assert.deepEqual(words(`"say \\"hi\\" \\\\ \\$x \\q"`), ['say "hi" \\ $x \\q']);
    assert.deepEqual(words('a\\ b c\\"d'), ['a b', 'c"d']);
    assert.deepEqual(words('x="1 2"y'), ['x=1 2y']);
    assert.deepEqual(words('中文 参数'), ['中文', '参数']);
  });

  it('names what is wrong with a line it cannot split', () => {
    assert.deepEqual(splitArgs(`--name 'open`), { ok: false, problem: 'unclosed-single-quote' });
    assert.deepEqual(splitArgs('--name "open'), { ok: false, problem: 'unclosed-double-quote' });
    assert.deepEqual(splitArgs('--name "open\\"'), { ok: false, problem: 'unclosed-double-quote' });
    assert.deepEqual(splitArgs('trailing\\'), { ok: false, problem: 'trailing-backslash' });
  });

  it('writes words back as a line that splits into the same words', () => {
    assert.equal(joinArgs(['--input', 'data.txt', '-n', '3']), '--input data.txt -n 3');
    assert.equal(joinArgs(['two words', "it's", '']), `'two words' 'it'\\''s' ''`);
    // Random words over an alphabet rich in quotes, blanks and backslashes.
    const alphabet = ` \t'"\\$\`ab-=中\n`;
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 500; round++) {
      const args = Array.from({ length: next() % 5 }, () => Array.from({ length: next() % 6 }, () => alphabet[next() % alphabet.length]).join(''));
      assert.deepEqual(splitArgs(joinArgs(args)), { ok: true, args }, JSON.stringify(args));
    }
  });

  it('uses the line typed for the file, else the setting, else none', () => {
    assert.deepEqual(chooseArgsLine(undefined, ''), { line: '', source: 'none' });
    assert.deepEqual(chooseArgsLine(undefined, undefined), { line: '', source: 'none' });
    assert.deepEqual(chooseArgsLine(undefined, 42), { line: '', source: 'none' });
    assert.deepEqual(chooseArgsLine(undefined, '  -n 3 '), { line: '-n 3', source: 'setting' });
    assert.deepEqual(chooseArgsLine('--fast', '-n 3'), { line: '--fast', source: 'file' });
    // An empty answer for the file means "no arguments", even when the setting has some.
    assert.deepEqual(chooseArgsLine('', '-n 3'), { line: '', source: 'file' });
  });

  it('remembers a line per file, newest last, a bounded number of files, and survives junk in the store', async () => {
    const map = new Map<string, unknown>();
    const store: ArgsStore = { get: (k) => map.get(k), update: async (k, v) => void map.set(k, v) };
    const memory = new ProgramArgsMemory(store);
    assert.equal(memory.get('file:///a.py'), undefined);
    await memory.set('file:///a.py', '-n 3');
    await memory.set('file:///b.py', '');
    await memory.set('file:///a.py', '-n 4');
    assert.equal(memory.get('file:///a.py'), '-n 4');
    assert.equal(memory.get('file:///b.py'), '');
    assert.deepEqual(map.get('concurrencyLab.programArgs'), [['file:///b.py', ''], ['file:///a.py', '-n 4']]);
    for (let i = 0; i < MAX_REMEMBERED_FILES + 5; i++) await memory.set(`file:///many/${i}.py`, String(i));
    assert.equal((map.get('concurrencyLab.programArgs') as unknown[]).length, MAX_REMEMBERED_FILES);
    assert.equal(memory.get('file:///a.py'), undefined, 'the oldest answers go first');
    assert.equal(memory.get(`file:///many/${MAX_REMEMBERED_FILES + 4}.py`), String(MAX_REMEMBERED_FILES + 4));
    map.set('concurrencyLab.programArgs', [['file:///x.py', 3], 'junk', ['file:///y.py', '-v']]);
    assert.equal(memory.get('file:///x.py'), undefined);
    assert.equal(memory.get('file:///y.py'), '-v');
    map.set('concurrencyLab.programArgs', { not: 'a list' });
    assert.equal(memory.get('file:///y.py'), undefined);
  });
});

describe('Trace This Program: which files are programs', () => {
  it('takes .py, .mjs, .js and .cjs from any folder and any name, as the engine does', () => {
    for (const [ext, runtime] of Object.entries(PROGRAM_EXTENSIONS)) {
      assert.equal(runtimeForFile(`/x/y${ext}`), runtime, `the engine runs ${ext} on ${runtime}`);
      assert.equal(programRuntime(`/some folder/my prog${ext}`), runtime);
      assert.equal(programRuntime(`C:\\work\\A.B${ext.toUpperCase()}`), runtime);
    }
    for (const name of ['/x/notes.md', '/x/py', '/x/.py', '/x.py/README', '/x/Makefile', '/x/.py.bak', '/x/a.ts']) assert.equal(programRuntime(name), undefined, name);
  });
});

describe('engine host: the trace request', () => {
  const ok = { type: 'trace', id: 4, file: '/w/app.py', args: ['-n', '3'], cwd: '/w' };

  it('accepts a well-formed request, args defaulting to none', () => {
    assert.deepEqual(parseToHost(ok), { ...ok, runtime: undefined, pythonPath: undefined, pythonVersion: undefined, timeoutMs: undefined, extensionRoot: undefined });
    const { args: _args, ...noArgs } = ok;
    assert.deepEqual((parseToHost(noArgs) as { args: string[] }).args, []);
    const full = { ...ok, runtime: 'python', pythonPath: '/usr/bin/python3', pythonVersion: '3.11.7', timeoutMs: 5000, extensionRoot: '/ext' };
    assert.deepEqual(parseToHost(full), full);
  });

  it('refuses a request the engine could not run', () => {
    const bad: Record<string, unknown>[] = [
      { file: undefined },
      { file: '' },
      { file: 3 },
      { cwd: undefined },
      { cwd: '' },
      { file: '/w/a\0.py' },
      { args: '-n 3' },
      { args: ['-n', 3] },
      { args: ['nul\0'] },
      { runtime: 'ruby' },
      { pythonPath: 7 },
      { extensionRoot: false },
      { timeoutMs: 0 },
      { timeoutMs: -1 },
      { timeoutMs: Number.NaN },
      { timeoutMs: '60' },
      { id: '4' },
    ];
    for (const change of bad) assert.equal(parseToHost({ ...ok, ...change }), undefined, JSON.stringify(change));
  });

  it('is what the controller sends for a trace spec', () => {
    const spec: TraceSpec = { file: '/w/my app.py', args: ['--name', 'two words'], cwd: '/w', runtime: 'python' };
    assert.ok(isTraceSpec(spec));
    assert.ok(!isTraceSpec({ scenario: 'race', runtime: 'node', params: {} }));
  });
});

describe('engine host: tracing a plain program through the run controller', function () {
  this.timeout(60_000);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'clab-trace-')));
  const queue = join(dir, 'sub', 'queue for a lock.py');

  before(function () {
    try {
      readFileSync(hostJs);
    } catch {
      this.skip();
    }
    writeFileSync(join(dir, 'data.txt'), 'from the working folder\n');
    mkdirSync(join(dir, 'sub'));
    // Nobody annotated this: four threads queue for one lock, each holding it 50 ms.
    writeFileSync(
      queue,
      [
        'import sys, threading, time',
        'lock = threading.Lock()',
        'def work(n):',
        '    with lock:',
        '        time.sleep(0.05)',
        'threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]',
        'for t in threads: t.start()',
        'for t in threads: t.join()',
        'print("args", sys.argv[1:])',
        'print(open("data.txt").read().strip())',
      ].join('\n'),
    );
  });

  it('runs the file with its arguments in the working folder and measures its threads', async () => {
    const controller = new RunController(hostJs, quietLog());
    const spec: TraceSpec = { file: queue, args: ['--name', 'two words'], cwd: dir, runtime: 'python', timeoutMs: 30_000, extensionRoot: root };
    const progress: RunProgress[] = [];
    const outcome = await controller.start(spec, (p) => progress.push(p)).done;
    await controller.dispose();
    // The log's command line is the one spawned: the interpreter, the file and its words, nothing else.
    assert.deepEqual(progress.map((p) => p.kind === 'variant' && p.argv.slice(1)), [[queue, '--name', 'two words']]);
    assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.kind}: ${outcome.message}\n${outcome.output ?? ''}`);
    const trace = outcome.trace;
    assert.equal(trace.scenario, 'program');
    assert.deepEqual(trace.program, { path: queue, args: ['--name', 'two words'] });
    const v = trace.variants[0];
    assert.equal(v.exitCode, 0);
    const output = (v.output ?? []).map((c) => c.text).join('');
    assert.match(output, /args \['--name', 'two words'\]/);
    assert.match(output, /from the working folder/);
    const names = v.lanes.map((l) => l.name);
    for (let i = 1; i <= 4; i++) assert.ok(names.some((n) => n.startsWith(`Thread-${i}`)), `Thread-${i} in ${names.join(', ')}`);
    const waits = v.spans.filter((s) => s.state === 'lock-wait');
    assert.ok(waits.length >= 2, `at least two threads waited for the lock (${waits.length})`);
    assert.ok(waits.every((w) => /Lock/.test(w.note ?? '')), 'a wait names the lock');
  });

  it('stops the program and everything it started when cancelled', async function () {
    if (process.platform !== 'linux') this.skip();
    const hang = join(dir, 'hang.py');
    const pidFile = join(dir, 'child.pid');
    writeFileSync(
      hang,
      [
        'import subprocess, sys, time',
        `child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])`,
        `open(${JSON.stringify(pidFile)}, "w").write(str(child.pid))`,
        'time.sleep(600)',
      ].join('\n'),
    );
    const controller = new RunController(hostJs, quietLog());
    const run = controller.start({ file: hang, args: [], cwd: dir, runtime: 'python', timeoutMs: 60_000, extensionRoot: root }, () => undefined);
    const deadline = Date.now() + 20_000;
    let pid = 0;
    while (!pid && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        pid = Number(readFileSync(pidFile, 'utf8'));
      } catch {
        pid = 0;
      }
    }
    assert.ok(pid > 0, 'the program started its child');
    controller.cancel();
    const outcome = await run.done;
    await controller.dispose();
    assert.equal(outcome.ok, false);
    if (!outcome.ok) assert.equal(outcome.kind, 'cancelled');
    const alive = () => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
      } catch {
        return false;
      }
    };
    const until = Date.now() + 5000;
    while (alive() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(), false, `the program's child ${pid} was stopped`);
  });
});
