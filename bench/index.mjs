// `npm run bench`: measures what a learner feels (activation, download size, start-up of threads and
// processes, tracing overhead, timing fidelity, chart speed, Run → chart) and prints ONE markdown
// table, also written to bench/RESULTS.md. Every figure is a median of several runs; the load
// average beside each group says how busy the machine was while it was measured.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { measureActivation } from './activation.mjs';
import { ROOT, load1, productionSnapshot, run } from './common.mjs';
import { measureEndToEnd } from './e2e.mjs';
import { measureEditor } from './editor.mjs';
import { measureFidelity } from './fidelity.mjs';
import { measureOverhead } from './overhead.mjs';
import { measureOutput } from './render-output.mjs';
import { measureRender } from './render-rows.mjs';
import { measureScheduler } from './scheduler.mjs';
import { measureSizes } from './sizes.mjs';
import { measureSpawn } from './spawn.mjs';
import { measureTrace } from './trace.mjs';

const only = process.argv.slice(2); // e.g. `node bench/index.mjs spawn fidelity` for a quick look
const started = new Date();
const loadAtStart = loadavg();
process.stderr.write('building the production bundles…\n');
const dist = await productionSnapshot();

const sections = [
  ['size', () => measureSizes(dist)],
  ['activation', () => measureActivation(dist)],
  ['spawn', measureSpawn],
  ['instrumentation', measureOverhead],
  ['trace', measureTrace],
  ['fidelity', measureFidelity],
  ['end-to-end', measureEndToEnd],
  ['editor', () => measureEditor(dist)],
  ['chart', measureRender],
  ['output', measureOutput],
  ['scheduler', measureScheduler],
  ['soak', async () => (await import('./soak.mjs')).measureSoak()],
];

const rows = [];
for (const [name, measure] of sections) {
  if (only.length && !only.includes(name)) continue;
  const load = load1();
  process.stderr.write(`${name}… (load ${load.toFixed(2)})\n`);
  const t0 = Date.now();
  try {
    for (const r of await measure()) rows.push({ ...r, load });
  } catch (e) {
    // One broken measurement must not hide the others: it becomes a row saying what failed.
    rows.push({ group: name, metric: 'measurement failed', value: '—', target: '—', pass: false, note: String(e?.message ?? e).split('\n')[0], load });
  }
  process.stderr.write(`  ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}

const python = (await run('python3', ['-c', 'import sys; print(sys.version.split()[0])'])).stdout.trim();
const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const verdict = (p) => (p === null ? '—' : p ? 'pass' : '**MISS**');
const table = [
  '| group | measure | median | target | result | load 1 min | how measured |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${[r.group, r.metric, r.value, r.target, verdict(r.pass), r.load.toFixed(2), r.note].map(cell).join(' | ')} |`),
].join('\n');
const misses = rows.filter((r) => r.pass === false).length;
const header = [
  `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} cores (${cpus()[0]?.model.trim()}), ` +
    `Node ${process.version}, Python ${python}, ${process.platform}.`,
  `Load average (1 / 5 / 15 min) at start ${loadAtStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${loadavg().map((x) => x.toFixed(2)).join(' / ')}: ` +
    'other jobs shared the machine, so read small differences as noise.',
  `${rows.length - misses} of ${rows.length} rows pass or have no target; ${misses} miss.`,
].join('\n');

const markdown = `# Benchmark results\n\n${header}\n\n${table}\n\nRun with \`npm run bench\`; what each row means: bench/README.md.\n`;
// Only a full run replaces bench/RESULTS.md; a partial one goes to bench/out.
writeFileSync(only.length ? join(ROOT, 'bench', 'out', 'RESULTS-partial.md') : join(ROOT, 'bench', 'RESULTS.md'), markdown);
console.log(`${header}\n\n${table}`);
