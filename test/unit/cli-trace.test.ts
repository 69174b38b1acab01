/**
 * `concurrency-lab trace FILE`: a plain program run exactly as `python3 FILE ARGS…` would — its own
 * arguments, the caller's folder, its output streamed through and kept with times, its exit code —
 * and the refusals a learner can meet (no file, a wrong --python, a flag meant for the program).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPackageRoot } from '../../src/engine/packageRoot';
import type { Trace } from '../../src/shared/trace';

const root = findPackageRoot(__dirname)!;
const cli = path.join(root, 'dist', 'cli.js');

function runCli(args: string[], cwd: string, timeout = 60_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ARGPARSE = `import argparse, os, sys, time, threading
p = argparse.ArgumentParser()
p.add_argument('--name', required=True)
p.add_argument('-n', type=int, default=1)
a = p.parse_args()
print('cwd=' + os.getcwd())
print('argv=' + '|'.join(sys.argv[1:]))
def nap():
    time.sleep(0.2)
t = threading.Thread(target=nap, name='napper')
t.start(); t.join()
print('hello', a.name, a.n)
print('to stderr', file=sys.stderr)
sys.exit(a.n)
`;

describe('cli trace (dist/cli.js)', function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    if (!fs.existsSync(cli)) this.skip(); // built by `node esbuild.mjs`
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-trace-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'args.py'), ARGPARSE);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs the program from the caller’s folder with its own arguments untouched, and keeps its output and exit code', () => {
    const r = runCli(['trace', '--json', 'sub/args.py', '--', '--name', 'x y', '-n', '0'], dir);
    assert.equal(r.code, 0, r.stderr);
    const trace = JSON.parse(r.stdout) as Trace;
    assert.equal(trace.schema, 2);
    assert.equal(trace.scenario, 'program');
    assert.deepEqual(trace.program, { path: path.join(dir, 'sub', 'args.py'), args: ['--name', 'x y', '-n', '0'] });
    const v = trace.variants[0];
    assert.equal(v.exitCode, 0);
    const out = (v.output ?? []).filter((o) => o.stream === 'stdout').map((o) => o.text).join('');
    assert.match(out, new RegExp(`cwd=${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    assert.match(out, /argv=--name\|x y\|-n\|0\n/);
    assert.match(out, /hello x y 0/);
    assert.match((v.output ?? []).filter((o) => o.stream === 'stderr').map((o) => o.text).join(''), /to stderr/);
    // with --json the program's stdout is streamed to stderr, so stdout is the trace alone
    assert.match(r.stderr, /hello x y 0/);
    const napper = v.lanes.find((l) => l.name === 'napper');
    assert.ok(napper, v.lanes.map((l) => l.name).join(', '));
    const main = v.lanes.find((l) => l.kind === 'main');
    assert.ok(main);
    const joinWait = v.spans.filter((s) => s.lane === main.id && s.state === 'join-wait').reduce((n, s) => n + s.end - s.start, 0);
    assert.ok(joinWait > 100_000, `main waited in join ${joinWait} µs`);
    assert.deepEqual(trace.problems ?? [], []);
  });

  it('exits 1 when the program exits non-zero, and prints the report after its own output', () => {
    const r = runCli(['trace', 'sub/args.py', '--', '--name', 'z', '-n', '3'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /hello z 3/);
    assert.match(r.stdout, /args\.py: exit code 3 · wall \d+\.\d{3} s/);
    assert.match(r.stdout, /napper \(nap\)\s+\d+\.\d{3} s\s+sleeping \d+%/);
  });

  it('a --trace file that cannot be written is reported after the results, which are never lost', () => {
    const r = runCli(['trace', '--trace', os.tmpdir(), 'sub/args.py', '--', '--name', 'w', '-n', '0'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /args\.py: exit code 0 · wall/, 'the report is printed');
    assert.match(r.stderr, /could not write .*: EISDIR/);
    assert.doesNotMatch(r.stderr, /internal error/);
  });

  it('refuses what it cannot run with a clear message and exit 2 (bad input) or 1 (no interpreter)', () => {
    const missing = runCli(['trace', 'nope.py'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such program file: .*nope\.py/);
    const flag = runCli(['trace', 'sub/args.py', '--name', 'x'], dir);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown flag "--name" \(the program's own arguments go after "--"/);
    const python = runCli(['trace', '--python', '/no/such/python', 'sub/args.py', '--', '--name', 'q'], dir);
    assert.equal(python.code, 1);
    assert.match(python.stderr, /\/no\/such\/python/);
    assert.doesNotMatch(python.stdout + python.stderr, /hello q/, 'no fallback to another interpreter or runtime');
  });
});
