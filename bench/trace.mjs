// The automatic tracer's cost, as a learner meets it: each lesson program run by `trace` (the
// bootstrap in every process, collector, kernel sampler) and run plainly with the same interpreter
// and arguments, interleaved; wall time from spawn to exit for both. Then the tracer's worst cases
// from test/fixtures/python/auto_overhead.py: a million uncontended lock pairs, a queue ping-pong
// whose every get blocks, and an interpreter start.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, engineLib, median, nowMs, run } from './common.mjs';

const REPS = 5;
const PROGRAMS = [
  ['download.py', ['--variant', 'threads', '--scale', '0.5']],
  ['race.py', ['--variant', 'lock', '--tasks', '40']],
  ['pool.py', ['--variant', 'pool-4', '--pools', '4']],
  ['gil.py', ['--variant', 'threads', '--scale', '0.5']],
  ['parallel.py', ['--variant', 'processes', '--scale', '0.5']],
  ['daemon.py', ['--variant', 'daemon', '--scale', '0.5']],
];

function plainWallMs(python, file, args) {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(python, [file, ...args], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(nowMs() - t0) : reject(new Error(`${file} exited ${code}`))));
  });
}

const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

async function lessonRows(lib) {
  const python = (await lib.findPython({})).executable;
  const rows = [];
  for (const [name, args] of PROGRAMS) {
    const file = join(ROOT, 'media', 'programs', 'python', name);
    const traced = [];
    const plain = [];
    for (let i = 0; i < REPS; i++) {
      const t = await lib.traceProgram(file, args, { runtime: 'python', pythonPath: python, extensionRoot: ROOT, cwd: ROOT });
      if (t.variants[0].exitCode !== 0) throw new Error(`${name} traced: exit ${t.variants[0].exitCode}`);
      traced.push(t.variants[0].wallUs / 1000);
      plain.push(await plainWallMs(python, file, args));
    }
    const added = (median(traced) - median(plain)) / median(plain);
    rows.push({
      group: 'trace',
      metric: `${name} ${args.join(' ')}: traced vs plain wall`,
      value: `${median(traced).toFixed(0)} vs ${median(plain).toFixed(0)} ms (${pct(added)})`,
      target: '≤ 5 %',
      pass: added <= 0.05,
      note: `spawn to exit, ${REPS} interleaved runs each; traced ${traced.map((x) => x.toFixed(0)).join(', ')}; plain ${plain.map((x) => x.toFixed(0)).join(', ')}`,
    });
  }
  return rows;
}

async function microRows() {
  const script = join(ROOT, 'test', 'fixtures', 'python', 'auto_overhead.py');
  const r = await run('python3', [script, '7'], { cwd: ROOT });
  if (r.code !== 0) throw new Error(`auto_overhead.py: ${r.stderr.trim().split('\n').at(-1)}`);
  const rows = [];
  for (const m of r.stdout.matchAll(/^(\S+)\s+(.*?) -> traced\/plain ([\d.]+)x$/gm)) {
    const ratio = Number(m[3]);
    const start = m[1] === 'start';
    rows.push({
      group: 'trace',
      metric: `${m[1]}: traced / plain`,
      value: `${ratio.toFixed(2)}×`,
      target: start ? '≤ 1.10×' : '≤ 2× (goal)',
      pass: start ? ratio <= 1.1 : ratio <= 2,
      note: `${m[2].trim()}; medians of 7 alternating fresh processes (test/fixtures/python/auto_overhead.py)`,
    });
  }
  if (!rows.length) throw new Error(`no figures in auto_overhead.py's output:\n${r.stdout}`);
  return rows;
}

export async function measureTrace() {
  const lib = await engineLib();
  return [...(await lessonRows(lib)), ...(await microRows())];
}
