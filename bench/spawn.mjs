// Spawn cost: how long from starting a thread or process to its first word, through the engine's
// path (collector up, program started by ProcessTree, labtrace connects and says hello) beside the
// same start with no engine at all (first message / first stdout line).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES, ROOT, engineLib, median } from './common.mjs';

const REPS = 9;
const WORKERS_PER_PROCESS = 8;
const WORKER_ROUNDS = 4;
const msSince = (t0, lib) => (lib.engineNowNs() - t0) / 1e6;

/** Engine path: collector start + ProcessTree spawn → `hello` received. */
async function tracedStart(lib, cmd) {
  const t0 = lib.engineNowNs();
  let gotHello;
  const hello = new Promise((resolve) => (gotHello = resolve));
  const collector = await lib.TraceCollector.start({ onEvent: (e) => e.event.k === 'hello' && gotHello(e.at) });
  const tree = new lib.ProcessTree(cmd, { CLAB_TRACE: collector.envValue });
  const ms = ((await hello) - t0) / 1e6;
  await tree.exited;
  await collector.close();
  return ms;
}

/** No engine: plain spawn → first stdout chunk. */
function bareStart(lib, cmd) {
  return new Promise((resolve, reject) => {
    const t0 = lib.engineNowNs();
    const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: { ...process.env, ...cmd.env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let ms;
    child.stdout.once('data', () => (ms = msSince(t0, lib)));
    child.on('error', reject);
    child.on('close', () => resolve(ms));
  });
}

/** Traced worker starts: `spawn i` mark (in the program) → the worker's lane at the collector. */
async function tracedWorkers(lib, cmd) {
  const marks = new Map();
  const lanes = new Map();
  const collector = await lib.TraceCollector.start({
    onEvent: ({ event, at }) => {
      if (event.k === 'mark' && event.note?.startsWith('spawn ')) marks.set(event.note.slice(6), event.t);
      if (event.k === 'lane' && event.name.startsWith('W-')) lanes.set(event.name.slice(2), at);
    },
  });
  const tree = new lib.ProcessTree(cmd, { CLAB_TRACE: collector.envValue });
  await tree.exited;
  await collector.drain(1000);
  await collector.close();
  return [...marks].filter(([i]) => lanes.has(i)).map(([i, t]) => (lanes.get(i) - t) / 1e6);
}

function row(metric, traced, bare, note) {
  const t = median(traced);
  const b = median(bare);
  const overhead = (t - b) / b;
  const best = (Math.min(...traced) - Math.min(...bare)) / Math.min(...bare);
  return {
    group: 'spawn',
    metric,
    value: `${t.toFixed(1)} ms vs ${b.toFixed(1)} ms bare (${overhead >= 0 ? '+' : ''}${(overhead * 100).toFixed(0)} %)`,
    target: 'overhead < 10 % of bare',
    pass: overhead < 0.1,
    note: `${note}; best of each: ${Math.min(...traced).toFixed(1)} vs ${Math.min(...bare).toFixed(1)} ms (${best >= 0 ? '+' : ''}${(best * 100).toFixed(0)} %)`,
  };
}

export async function measureSpawn() {
  const lib = await engineLib();
  const node = lib.createRuntime('node', { extensionRoot: ROOT });
  const python = lib.createRuntime('python', { extensionRoot: ROOT });
  const nodeInfo = await node.prepare();
  const pyInfo = await python.prepare();
  const cmd = (rt, info, file, args = []) => rt.command(info, join(FIXTURES, file), args);
  const sample = { pyT: [], pyB: [], nodeT: [], nodeB: [], wT: [], wB: [] };
  // Interleaved, so a burst of load from other jobs hits both sides alike.
  for (let i = 0; i < REPS; i++) {
    sample.pyT.push(await tracedStart(lib, cmd(python, pyInfo, 'hello.py')));
    sample.pyB.push(await bareStart(lib, cmd(python, pyInfo, 'bare.py')));
    sample.nodeT.push(await tracedStart(lib, cmd(node, nodeInfo, 'hello.mjs')));
    sample.nodeB.push(await bareStart(lib, cmd(node, nodeInfo, 'bare.mjs')));
  }
  const workers = cmd(node, nodeInfo, 'worker-spawn.mjs', [String(WORKERS_PER_PROCESS)]);
  for (let i = 0; i < WORKER_ROUNDS; i++) {
    // The first worker of a process also loads the module graph: dropped from both sides.
    sample.wT.push(...(await tracedWorkers(lib, workers)).slice(1));
    sample.wB.push(...(await printedTimes(workers)).slice(1));
  }
  return [
    row('Python process: spawn → hello', sample.pyT, sample.pyB, `python ${pyInfo.version}, ${REPS} runs each; bare = same flags, print('ready')`),
    row('Node process: spawn → hello', sample.nodeT, sample.nodeB, `${REPS} runs each; bare = console.log('ready')`),
    row('worker_thread: new Worker → first event', sample.wT, sample.wB, `${sample.wT.length} / ${sample.wB.length} workers; bare = first postMessage`),
  ];
}

function printedTimes(cmd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: { ...process.env, ...cmd.env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim()));
      } catch {
        reject(new Error(`worker fixture exited with ${code} and printed no times`));
      }
    });
  });
}
