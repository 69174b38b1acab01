// @ts-check
/**
 * A thread pool: a few worker threads, created once, take tasks from one queue until it is empty.
 * More workers finish the batch sooner, until there are more workers than tasks: then the extra
 * workers only sit idle, and creating them was wasted time.
 *
 *   node pool.mjs                         pools of 1, 2, 4 and 8 workers
 *   node pool.mjs --variant pool-4        one pool size
 *   node pool.mjs --tasks 8 --pools 1,2,4
 */
import { once } from 'node:events';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { readOptions, seconds, selectVariants, sleepSync, Stopwatch } from './common.mjs';

/** A pool worker: waits idle for a task, does it, reports back, waits again, until told to stop. */
function workerMain() {
  const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  port.on('message', (/** @type {{ task?: number, ms?: number, stop?: boolean }} */ message) => {
    if (message.stop) {
      port.close(); // nothing keeps the worker alive any more: it exits
      return;
    }
    sleepSync(/** @type {number} */ (message.ms)); // the task's work: a wait, like a download
    port.postMessage({ done: message.task });
  });
  port.postMessage({ ready: true });
}

/**
 * Runs `tasks` tasks of `ms` each through a pool of `size` workers, and shuts the pool down.
 * @param {number} size @param {number} tasks @param {number} ms
 */
async function runPool(size, tasks, ms) {
  const queue = Array.from({ length: tasks }, (_, i) => i + 1);
  let done = 0;
  /** @type {Worker[]} */
  const workers = [];
  await new Promise((resolve, reject) => {
    for (let index = 1; index <= size; index++) {
      const worker = new Worker(new URL(import.meta.url), { name: `Worker-${index}` });
      workers.push(worker);
      worker.on('error', reject);
      worker.on('message', (/** @type {{ ready?: boolean, done?: number }} */ message) => {
        if (message.done !== undefined) {
          console.log(`  task ${message.done} done by worker ${index}`);
          if (++done === tasks) resolve(undefined);
        }
        // Ready or just finished: hand this worker the next task in the queue, if any.
        const task = queue.shift();
        if (task !== undefined) worker.postMessage({ task, ms });
      });
    }
  });
  // The end of the pool's `with` block: stop every worker and wait until they are gone.
  const exits = workers.map((w) => once(w, 'exit'));
  for (const worker of workers) worker.postMessage({ stop: true });
  await Promise.all(exits);
}

async function main() {
  const options = readOptions({ tasks: 8, pools: [1, 2, 4, 8] });
  const ms = 200 * options.scale;
  const variants = options.pools.map((size) => ({ id: `pool-${size}`, title: `Pool of ${size}`, size }));
  console.log(`${options.tasks} tasks of ${seconds(ms * 1e6)} s each through pools of different sizes.\n`);
  /** @type {string[]} */
  const summary = [];
  for (const v of selectVariants(variants, options.variant)) {
    console.log(`== ${v.title} ==`);
    const clock = new Stopwatch();
    await runPool(v.size, options.tasks, ms);
    const wallNs = clock.wallNs();
    console.log(`Total: ${seconds(wallNs)} s\n`);
    summary.push(`  pool of ${String(v.size).padStart(2)}: ${seconds(wallNs)} s`);
  }
  console.log('Time per pool size:');
  for (const line of summary) console.log(line);
}

if (isMainThread) await main();
else workerMain();
