// Activation: require + activate of the extension bundle in fresh Node processes with a fake
// `vscode`, and what activate started (it should start nothing: runs fork the engine host later).
import { join } from 'node:path';
import { FIXTURES, ROOT, median, run } from './common.mjs';

const RUNS = 15;

/** @param {string} distDir the production snapshot holding extension.js */
export async function measureActivation(distDir) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await run(process.execPath, [join(FIXTURES, 'activate-probe.mjs'), ROOT, join(distDir, 'extension.js')]);
    if (r.code !== 0) throw new Error(`activation probe failed:\n${r.stderr}`);
    samples.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  const total = median(samples.map((s) => s.requireMs + s.activateMs));
  const spawned = [...new Set(samples.flatMap((s) => s.spawned))];
  const unfaked = [...new Set(samples.flatMap((s) => s.unfaked))];
  const split = `require ${median(samples.map((s) => s.requireMs)).toFixed(1)} ms + activate ${median(samples.map((s) => s.activateMs)).toFixed(1)} ms, ${RUNS} fresh processes`;
  return [
    {
      group: 'activation',
      metric: 'require + activate (fake vscode)',
      value: `${total.toFixed(1)} ms`,
      target: '< 20 ms',
      pass: total < 20,
      note: unfaked.length ? `${split}; activate reached unfaked API: ${unfaked.join(', ')}` : split,
    },
    {
      group: 'activation',
      metric: 'processes / threads started by activate',
      value: String(spawned.length),
      target: '0',
      pass: spawned.length === 0,
      note: spawned.join('; '),
    },
  ];
}
