// Instrumentation overhead: the same CPU-bound work (the `gil` scenario's sequential variant) run by
// the engine (traced: collector, sampler, labtrace) and run plainly; each time is the program's own
// measurement. And how many events per second the collector + trace builder absorb.
import { spawn } from 'node:child_process';
import { FIXTURES, ROOT, engineLib, median } from './common.mjs';
import { join } from 'node:path';

const REPS = 7;
const FLOOD_EVENTS = 200_000;
const FLOOD_REPS = 3;

const cpuOf = (out) => Number(/^bench-cpu-ms ([\d.]+)/m.exec(out)?.[1]);

/** The program's own wall time as it prints it, e.g. `Sequential: 1.234 s` (Python), `  sequential: 1.234 s` (Node). */
const ownWallOf = (out) => {
  const m = /^\s*sequential: ([\d.]+) s/im.exec(out);
  return m ? Number(m[1]) * 1000 : NaN;
};

function plainRun(cmd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: { ...process.env, ...cmd.env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', () => {
      const wallMs = ownWallOf(out);
      if (Number.isFinite(wallMs)) resolve({ wallMs, cpuMs: cpuOf(out) });
      else reject(new Error(`no time in the plain run's output:\n${out}`));
    });
  });
}

const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
const range = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

async function overheadRows(lib, runtime) {
  const rt = lib.createRuntime(runtime, { extensionRoot: ROOT });
  const info = await rt.prepare();
  const scenario = lib.findScenario('gil');
  const checked = lib.validateParams(scenario, {});
  // Only the flags the scenario's program reads (it refuses others), as the engine passes them.
  const program = rt.command(info, rt.programPath('gil'), lib.programArgs('sequential', checked.params, scenario.params));
  // Both runs go through the same wrapper, which reports the program process's own CPU time.
  const cmd = { ...program, command: 'python3', args: [join(FIXTURES, 'rusage.py'), program.command, ...program.args] };
  const traced = { wall: [], cpu: [] };
  const plain = { wall: [], cpu: [] };
  for (let i = 0; i < REPS; i++) {
    const r = await lib.runProgram({ command: cmd, fallback: { id: 'sequential', title: 'Sequential' }, timeoutMs: 120_000 });
    if (r.status !== 'ok') throw new Error(`traced ${runtime} gil run: ${r.status}\n${r.output}`);
    // The same figure as the plain run's: the program's own. (The variant's wall of a program that
    // announces no variants is spawn to exit, the rusage wrapper's and interpreter's start-up included.)
    const wallMs = ownWallOf(r.output);
    if (!Number.isFinite(wallMs)) throw new Error(`no time in the traced run's output:\n${r.output}`);
    traced.wall.push(wallMs);
    traced.cpu.push(cpuOf(r.output));
    const p = await plainRun(cmd);
    plain.wall.push(p.wallMs);
    plain.cpu.push(p.cpuMs);
  }
  const row = (what, t, p, note) => {
    const overhead = (median(t) - median(p)) / median(p);
    return {
      group: 'instrumentation',
      metric: `${runtime} gil sequential, traced vs plain: ${what}`,
      value: `${median(t).toFixed(0)} ms vs ${median(p).toFixed(0)} ms (${pct(overhead)})`,
      target: '< 5 %',
      pass: overhead < 0.05,
      note: `${note}; ${REPS} runs each, interleaved; traced ${range(t)}, plain ${range(p)}; best of each ${pct((Math.min(...t) - Math.min(...p)) / Math.min(...p))}`,
    };
  };
  return [
    row('wall', traced.wall, plain.wall, "the program's own measurement"),
    row('CPU', traced.cpu, plain.cpu, 'whole program process (rusage), tracer threads and start-up included'),
  ];
}

/** One flood: events/s between the first and the last event received, and the builder's fold time. */
async function flood(lib) {
  const builder = new lib.TraceBuilder();
  let first = 0;
  let last = 0;
  let count = 0;
  const collector = await lib.TraceCollector.start({
    onEvent: (e) => {
      builder.add(e);
      if (e.event.k === 'state') {
        if (!count++) first = e.at;
        last = e.at;
      }
    },
    onClose: (conn, _pid, at) => builder.connectionClosed(conn, at),
  });
  const node = lib.createRuntime('node', { extensionRoot: ROOT });
  const cmd = node.command(await node.prepare(), join(FIXTURES, 'flood.mjs'), [String(FLOOD_EVENTS)]);
  const tree = new lib.ProcessTree(cmd, { CLAB_TRACE: collector.envValue });
  const exit = await tree.exited;
  await collector.drain(5000);
  await collector.close();
  const t0 = lib.engineNowNs();
  builder.build({ exitAt: exit.at, fallback: { id: 'flood', title: 'Flood' } });
  const buildMs = (lib.engineNowNs() - t0) / 1e6;
  if (count !== FLOOD_EVENTS) throw new Error(`flood: ${count} of ${FLOOD_EVENTS} events arrived`);
  return { perSecond: count / ((last - first) / 1e9), buildMs };
}

export async function measureOverhead() {
  const lib = await engineLib();
  const rows = [...(await overheadRows(lib, 'python')), ...(await overheadRows(lib, 'node'))];
  const floods = [];
  for (let i = 0; i < FLOOD_REPS; i++) floods.push(await flood(lib));
  const rate = median(floods.map((f) => f.perSecond));
  rows.push({
    group: 'instrumentation',
    metric: 'events absorbed by collector + trace builder',
    value: `${Math.round(rate / 1000)} k events/s`,
    target: '> 100 k events/s',
    pass: rate > 100_000,
    note: `${FLOOD_EVENTS / 1000} k state events from a separate process, ${FLOOD_REPS} runs; folding them into a Variant afterwards took ${median(floods.map((f) => f.buildMs)).toFixed(0)} ms`,
  });
  return rows;
}
