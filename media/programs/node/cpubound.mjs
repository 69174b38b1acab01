// @ts-check
/**
 * The CPU-bound comparison behind parallel.mjs and gil.mjs: the same prime-counting tasks run one
 * after another on the main thread, on one worker thread each, and in one child process each.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { countPrimes, PRIME_LIMIT, readOptions, seconds, selectVariants, Stopwatch } from './common.mjs';

const TASK_FILE = new URL('./cpu-task.mjs', import.meta.url);

export const CPU_VARIANTS = [
  { id: 'sequential', title: 'Sequential' },
  { id: 'workers', title: 'worker_threads' },
  { id: 'processes', title: 'Child processes' },
];

/** @param {number} tasks @param {number} limit */
function runSequential(tasks, limit) {
  for (let i = 1; i <= tasks; i++) {
    const primes = countPrimes(limit);
    console.log(`  task ${i}: ${primes} primes below ${limit}`);
  }
}

/** @param {number} tasks @param {number} limit */
async function runWorkers(tasks, limit) {
  /** @type {Promise<unknown>[]} */
  const finished = [];
  for (let index = 1; index <= tasks; index++) {
    const worker = new Worker(TASK_FILE, { workerData: { index, limit }, name: `Worker-${index}` });
    finished.push(
      new Promise((resolve, reject) => {
        worker.on('message', (m) => console.log(`  worker ${m.index}: ${m.primes} primes below ${limit}`));
        worker.on('error', reject);
        worker.on('exit', resolve);
      }),
    );
  }
  await Promise.all(finished); // like joining every thread
}

/** @param {number} tasks @param {number} scale */
async function runProcesses(tasks, scale) {
  /** @type {Promise<unknown>[]} */
  const finished = [];
  for (let index = 1; index <= tasks; index++) {
    const child = fork(fileURLToPath(TASK_FILE), ['--index', String(index), '--scale', String(scale)]);
    finished.push(
      new Promise((resolve, reject) => {
        child.on('message', (/** @type {any} */ m) => console.log(`  process ${m.index} (pid ${child.pid}): ${m.primes} primes`));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`process ${index} exited with ${code}`))));
      }),
    );
  }
  await Promise.all(finished);
}

/**
 * Runs the selected variants and prints each one's time and its speedup over the sequential run.
 * @param {{ intro: string[], conclusion: (speedups: Map<string, number>) => string[] }} text
 */
export async function runCpuBoundProgram(text) {
  const options = readOptions({ threads: 2 });
  const limit = Math.round(PRIME_LIMIT * options.scale);
  for (const line of text.intro) console.log(line);
  console.log(`${options.threads} tasks, each counting the primes below ${limit}.\n`);

  /** @type {Map<string, number>} */
  const wall = new Map();
  for (const v of selectVariants(CPU_VARIANTS, options.variant)) {
    console.log(`[${v.id}] ${v.title}`);
    const clock = new Stopwatch();
    if (v.id === 'sequential') runSequential(options.threads, limit);
    else if (v.id === 'workers') await runWorkers(options.threads, limit);
    else await runProcesses(options.threads, options.scale);
    const wallNs = clock.wallNs();
    wall.set(v.id, wallNs);
    const base = wall.get('sequential');
    const speedup = base && v.id !== 'sequential' ? ` (${(base / wallNs).toFixed(2)}x the speed of sequential)` : '';
    console.log(`  ${v.id}: ${seconds(wallNs)} s${speedup}\n`);
  }
  const base = wall.get('sequential');
  /** @type {Map<string, number>} */
  const speedups = new Map();
  if (base) for (const [id, ns] of wall) if (id !== 'sequential') speedups.set(id, base / ns);
  for (const line of text.conclusion(speedups)) console.log(line);
}
