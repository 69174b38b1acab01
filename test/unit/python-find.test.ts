/**
 * Python discovery: a real interpreter is found and checked by running it; a missing path or an
 * old interpreter gives the learner a RunError saying what to do. Also the command the runtime builds.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { candidates, findPython, trustCheckedPython } from '../../src/engine/python/findPython';
import { PythonRuntime } from '../../src/engine/python/pythonRuntime';
import { installedPythons, PACKAGE_ROOT, PROGRAMS_DIR, rejection } from '../fixtures/python/pythonHarness';

const posix = process.platform !== 'win32';

/** A script that pretends to be Python and prints the probe's answer for `version`. */
function fakePython(dir: string, version: [number, number, number]): string {
  const file = path.join(dir, `python${version.join('.')}`);
  const answer = JSON.stringify({ version, executable: file, gil: true });
  fs.writeFileSync(file, `#!/bin/sh\necho '${answer}'\n`, { mode: 0o755 });
  return file;
}


describe('python discovery (findPython) and the python runtime', function () {
  this.timeout(30_000);
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-python-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds python3 on PATH and reports its version, executable and GIL', async () => {
    const info = await findPython();
    assert.match(info.version, /^3\.\d+\.\d+$/);
    assert.ok(path.isAbsolute(info.executable) && fs.existsSync(info.executable), info.executable);
    assert.equal(typeof info.gil, 'boolean');
  });

  it('tries only the explicit path when one is given, and py -3 only on Windows', () => {
    assert.deepEqual(candidates('/opt/py/bin/python3', 'linux'), [{ command: '/opt/py/bin/python3', args: [] }]);
    assert.deepEqual(candidates(undefined, 'linux').map((c) => c.command), ['python3', 'python']);
    assert.deepEqual(candidates('', 'win32').map((c) => [c.command, ...c.args].join(' ')), ['python3', 'python', 'py -3']);
  });

  it('a missing interpreter is runtime-missing, with what to do', async () => {
    const error = await rejection(findPython({ explicitPath: path.join(dir, 'no-such-python') }));
    assert.equal(error.kind, 'runtime-missing');
    assert.match(error.message, /Python 3\.8 or newer was not found/);
    assert.match(error.message, /Python Path \(or pass --python PATH\), or use the Node runtime/);
  });

  it('an old interpreter is runtime-too-old (2.7 and 3.6)', async function () {
    if (!posix) this.skip();
    for (const version of [[2, 7, 18], [3, 6, 15]] as [number, number, number][]) {
      const error = await rejection(findPython({ explicitPath: fakePython(dir, version) }));
      assert.equal(error.kind, 'runtime-too-old');
      assert.match(error.message, new RegExp(`Python ${version.join('\\.')} .* is too old: the demos need Python 3\\.8 or newer`));
    }
  });

  it('something that is not Python is runtime-missing', async function () {
    if (!posix) this.skip();
    const error = await rejection(findPython({ explicitPath: '/bin/echo' }));
    assert.equal(error.kind, 'runtime-missing');
  });

  it('real interpreters: old ones refused, 3.8+ accepted (those installed here)', async function () {
    const pythons = installedPythons();
    if (!pythons.length) this.skip();
    for (const python of pythons) {
      const [major, minor] = python.version.split('.').map((n) => parseInt(n, 10));
      if (major > 3 || (major === 3 && minor >= 8)) {
        assert.match((await findPython({ explicitPath: python.path })).version, new RegExp(`^${major}\\.${minor}\\.`));
      } else {
        assert.equal((await rejection(findPython({ explicitPath: python.path }))).kind, 'runtime-too-old', python.path);
      }
    }
  });

  it('trusts an interpreter the extension checked (no probe), but probes again once it is gone', async function () {
    if (!posix) this.skip();
    const file = path.join(dir, 'checked-python');
    const counter = path.join(dir, 'probes');
    const answer = JSON.stringify({ version: [3, 12, 1], executable: file, gil: true });
    fs.writeFileSync(file, `#!/bin/sh\necho x >> '${counter}'\necho '${answer}'\n`, { mode: 0o755 });
    trustCheckedPython(file, '3.12.1');
    const info = await findPython({ explicitPath: file });
    assert.equal(info.version, '3.12.1');
    assert.equal(info.executable, file);
    assert.equal(fs.existsSync(counter), false, 'the interpreter was not run');
    fs.rmSync(file);
    const gone = await rejection(findPython({ explicitPath: file }));
    assert.equal(gone.kind, 'runtime-missing');
    assert.match(gone.message, /not found at/);
    // Only a version the engine itself accepts is taken on trust.
    const old = fakePython(dir, [3, 6, 15]);
    trustCheckedPython(old, '3.6.15');
    assert.equal((await rejection(findPython({ explicitPath: old }))).kind, 'runtime-too-old');
  });

  it('accepts 3.8 exactly', async function () {
    if (!posix) this.skip();
    const info = await findPython({ explicitPath: fakePython(dir, [3, 8, 0]) });
    assert.equal(info.version, '3.8.0');
  });

  it('builds `python -X utf8 -u program args` with the bootstrap, then the programs folder, on PYTHONPATH', async () => {
    const runtime = new PythonRuntime({ extensionRoot: PACKAGE_ROOT });
    const info = await runtime.prepare();
    const program = runtime.programPath('race');
    assert.equal(program, path.join(PROGRAMS_DIR, 'race.py'));
    assert.ok(fs.existsSync(program));
    const learnerCopy = path.join(dir, 'my_race.py');
    const cmd = runtime.command(info, learnerCopy, ['--variant', 'lock']);
    assert.equal(cmd.command, info.executable);
    assert.deepEqual(cmd.args, ['-X', 'utf8', '-u', learnerCopy, '--variant', 'lock']);
    assert.equal(cmd.cwd, dir);
    assert.deepEqual(cmd.env?.PYTHONPATH?.split(path.delimiter).slice(0, 2), [path.join(PROGRAMS_DIR, 'bootstrap'), PROGRAMS_DIR]);
    assert.ok(fs.existsSync(path.join(PROGRAMS_DIR, 'bootstrap', 'sitecustomize.py')));
    assert.equal(cmd.env?.PYTHONDONTWRITEBYTECODE, '1');
  });

  it('every scenario has its program', () => {
    const runtime = new PythonRuntime({ extensionRoot: PACKAGE_ROOT });
    for (const id of ['parallel', 'download', 'daemon', 'race', 'pool', 'gil'] as const) {
      assert.ok(fs.existsSync(runtime.programPath(id)), id);
    }
    assert.ok(fs.existsSync(path.join(PROGRAMS_DIR, 'labtrace.py')));
  });

  it('traces any program as `python FILE ARGS` would: from the caller’s folder, nothing added', async () => {
    const runtime = new PythonRuntime({ extensionRoot: PACKAGE_ROOT });
    const info = await runtime.prepare();
    const cmd = runtime.traceCommand(info, 'sub/app.py', ['--x', '1'], dir);
    assert.deepEqual(cmd.args, ['sub/app.py', '--x', '1']);
    assert.equal(cmd.cwd, dir);
    assert.equal(cmd.env?.PYTHONUNBUFFERED, '1');
  });
});
