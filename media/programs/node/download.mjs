// @ts-check
/**
 * Downloading files one after another, then with one worker thread per file.
 *
 * Nothing is really downloaded: blocking the thread for a while stands in for the network (the
 * lesson's time.sleep). Each "download" takes 0.3 to 0.7 s (times --scale).
 *
 *   node download.mjs                      all variants: sequential, threads, subclass
 *   node download.mjs --variant threads    just one
 */
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { readOptions, seconds, selectVariants, sleepSync, Stopwatch } from './common.mjs';

const FILES = ['JavaScript从入门到重构.pdf', 'Docker从部署到跑路.avi', 'Git从提交到强推.mp4'];

/** Blocks the calling thread for `ms`, as a slow network would. */
function download(/** @type {string} */ filename, /** @type {number} */ ms) {
  console.log(`Start downloading ${filename}.`);
  const clock = new Stopwatch();
  sleepSync(ms); // the thread really blocks, like time.sleep
  console.log(`${filename} downloaded in ${seconds(clock.wallNs())} s.`);
}

/** @typedef {{ filename: string, ms: number }} Job */

function sequential(/** @type {Job[]} */ jobs) {
  for (const job of jobs) download(job.filename, job.ms);
  return Promise.resolve();
}

/** Resolves when the worker has exited: the worker's join(). @param {Worker} worker */
function exited(worker) {
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('exit', resolve);
  });
}

async function withWorkers(/** @type {Job[]} */ jobs) {
  // One worker per download; workerData is the worker's arguments (the Thread's kwargs).
  const workers = jobs.map(
    (job, i) => new Worker(new URL(import.meta.url), { workerData: job, name: `Worker-${i + 1}` }),
  );
  await Promise.all(workers.map(exited)); // all start at once; wait for all
}

/** The other way: a Worker subclass that keeps its file name, like a Thread subclass. */
class DownloadWorker extends Worker {
  /** @param {Job} job @param {number} index */
  constructor(job, index) {
    super(new URL(import.meta.url), { workerData: job, name: `DownloadWorker-${index}` }); // the Worker sets itself up first
    this.filename = job.filename;
  }

  /** Waits until this download is over, like Thread.join(). */
  join() {
    return exited(this);
  }
}

async function withSubclass(/** @type {Job[]} */ jobs) {
  const workers = jobs.map((job, i) => new DownloadWorker(job, i + 1));
  await Promise.all(workers.map((w) => w.join()));
}

const VARIANTS = [
  { id: 'sequential', title: 'Sequential', run: sequential },
  { id: 'threads', title: 'Worker per download', run: withWorkers },
  { id: 'subclass', title: 'Worker subclass', run: withSubclass },
];

async function main() {
  const options = readOptions({ tasks: 3 });
  // More tasks than names: the same joke files again, numbered.
  const names = Array.from({ length: options.tasks }, (_, i) =>
    i < FILES.length ? FILES[i] : `(${Math.floor(i / FILES.length) + 1}) ${FILES[i % FILES.length]}`,
  );
  for (const v of selectVariants(VARIANTS, options.variant)) {
    // Fresh random durations per variant, as the lesson's random.randint gives each run.
    const jobs = names.map((filename) => ({ filename, ms: (300 + Math.random() * 400) * options.scale }));
    const sum = jobs.reduce((total, j) => total + j.ms, 0);
    const longest = Math.max(...jobs.map((j) => j.ms));
    console.log(`== ${v.title} ==`);
    const clock = new Stopwatch();
    await v.run(jobs);
    console.log(`Total: ${seconds(clock.wallNs())} s (sum of the downloads ${seconds(sum * 1e6)} s, longest ${seconds(longest * 1e6)} s)\n`);
  }
}

if (!isMainThread) {
  // Inside a worker thread: this same file, started by one of the variants above.
  download(workerData.filename, workerData.ms);
} else {
  await main();
}
