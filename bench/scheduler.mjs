// Scheduler mode: how long the learner waits for "Random schedules × 1,000" and "Check every
// schedule" on each level. The driver reports its own time; the row is the median of three runs
// of the whole process (spawn to exit), which is what the panel waits for.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, median, nowMs } from './common.mjs';

const DRIVER = join(ROOT, 'media', 'programs', 'python', 'scheduler', 'labsched.py');
const LEVELS_DIR = join(ROOT, 'media', 'programs', 'python', 'levels');
// The catalogue is TypeScript (src/shared/scheduler.ts); its file names and modes are read from it.
const LEVELS = [...readFileSync(join(ROOT, 'src', 'shared', 'scheduler.ts'), 'utf8').matchAll(/\{ id: '([\w-]+)', file: '([\w.]+)', goal: '[\w-]+', bytecode: (true|false) \}/g)].map((m) => ({ id: m[1], file: m[2], bytecode: m[3] === 'true' }));
const RANDOM_TARGET_S = 15;
const EXHAUSTIVE_TARGET_S = 10;

function drive(args) {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn('python3', ['-X', 'utf8', DRIVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', () => {
      const last = out.trim().split('\n').pop();
      try {
        resolve({ ms: nowMs() - t0, summary: JSON.parse(last) });
      } catch {
        reject(new Error(`no summary from the driver: ${last?.slice(0, 200)}`));
      }
    });
  });
}

export async function measureScheduler() {
  if (LEVELS.length !== 5) throw new Error(`read ${LEVELS.length} levels from src/shared/scheduler.ts, expected 5`);
  const rows = [];
  for (const level of LEVELS) {
    const file = join(LEVELS_DIR, level.file);
    const mode = level.bytecode ? ['--bytecode'] : [];
    const random = [];
    let counts;
    for (let i = 0; i < 3; i++) {
      const r = await drive([...mode, '--random', '1000', '--seed', String(i + 1), file]);
      random.push(r.ms);
      counts = r.summary.counts;
    }
    const s = median(random) / 1000;
    const outcome = Object.entries(counts).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ');
    rows.push({ group: 'scheduler', metric: `${level.id}: random schedules × 1,000`, value: `${s.toFixed(1)} s`, target: `< ${RANDOM_TARGET_S} s`, pass: s < RANDOM_TARGET_S, note: `spawn → summary, median of 3 seeds; last: ${outcome}` });
    const all = await drive([...mode, '--exhaustive', file]);
    const e = all.ms / 1000;
    rows.push({ group: 'scheduler', metric: `${level.id}: every schedule`, value: `${e.toFixed(1)} s`, target: `< ${EXHAUSTIVE_TARGET_S} s`, pass: e < EXHAUSTIVE_TARGET_S && all.summary.complete, note: `${all.summary.states} states, ${all.summary.runs} runs, ${all.summary.complete ? 'complete' : 'NOT complete'}` });
  }
  return rows;
}
