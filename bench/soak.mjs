// Soak: 500 runs in a row through one production engine host (every scenario on Node, Python's race
// and download when there is a python3 >= 3.8, cancels and short timeouts mixed in), with what is
// left afterwards: processes of the runs, the host's open file descriptors, its memory. The driver
// is shared with the suite's short form (test/unit/engine-soak.test.ts). CLAB_SOAK_RUNS=N for another count.
import { join } from 'node:path';
import { ROOT } from './common.mjs';
import { runSoak } from '../test/fixtures/engine/soak.mjs';

const RUNS = Math.max(1, Number(process.env.CLAB_SOAK_RUNS) || 500);
const MB = 1024 * 1024;
const mb = (b) => `${(b / MB).toFixed(1)} MB`;

export async function measureSoak() {
  if (process.platform !== 'linux') return [{ group: 'soak', metric: 'skipped', value: '—', target: '—', pass: null, note: 'counts processes and descriptors in /proc (Linux only)' }];
  const r = await runSoak({
    hostJs: join(ROOT, 'bench', 'out', 'dist', 'engineHost.js'),
    extensionRoot: ROOT,
    runs: RUNS,
    log: (line) => process.stderr.write(`  ${line}\r`),
  });
  process.stderr.write('\n');
  const mix = Object.entries(r.outcomes).map(([k, n]) => `${k} ${n}`).join(', ');
  const how = `${r.runs} runs in ${r.seconds.toFixed(0)} s through one host${r.python ? ', Node and Python' : ', Node only'}: ${mix}`;
  return [
    {
      group: 'soak',
      metric: `processes of the runs alive after ${r.runs} runs`,
      value: String(r.after.processes),
      target: '0',
      pass: r.after.processes === 0 && r.lingering === 0 && r.unexpected.length === 0,
      note: `${how}; after each answer, runs that left a process: ${r.lingering}${r.unexpected.length ? `; unexpected: ${r.unexpected.slice(0, 3).join(' / ')}` : ''}`,
    },
    {
      group: 'soak',
      metric: 'engine host: open file descriptors, before → after',
      value: `${r.before.fds} → ${r.after.fds}`,
      target: 'within +3',
      pass: r.after.fds <= r.before.fds + 3,
      note: `${r.cold.fds} at start; "before" is after one warm-up run`,
    },
    {
      group: 'soak',
      metric: 'engine host: RSS, before → after',
      value: `${mb(r.before.rss)} → ${mb(r.after.rss)}`,
      target: '< 2× before + 50 MB',
      pass: r.after.rss < 2 * r.before.rss + 50 * MB,
      note: `${mb(r.cold.rss)} at start; every tenth of the way ${r.rssTrail.map((b) => (b / MB).toFixed(0)).join(' / ')} MB; /proc/<pid>/status VmRSS, no forced GC`,
    },
  ];
}
