// @ts-check
/**
 * Daemon threads. Background workers print "Ping" and "Pong" every 0.1 s; the main thread lives
 * for 1 s. A daemon worker (Node: `worker.unref()`) does not keep the program alive: when the main
 * thread is done, the process exits and the workers are cut off mid-loop. A non-daemon worker
 * (a plain, ref'd Worker) does: the process waits until it finishes on its own (here after 2 s).
 *
 *   node daemon.mjs                        both variants, each as a program run of its own
 *   node daemon.mjs --variant daemon       one of: daemon, non-daemon
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { readOptions, seconds, selectVariants, Stopwatch } from './common.mjs';

const CONTENTS = ['Ping', 'Pong'];

/** Prints `content` every `everyMs`, forever or until `untilMs` have passed. */
async function display(/** @type {string} */ content, /** @type {number} */ everyMs, /** @type {number | null} */ untilMs) {
  const clock = new Stopwatch();
  while (untilMs === null || clock.wallNs() < untilMs * 1e6) {
    process.stdout.write(content); // no newline, as the lesson's print(content, end='')
    await sleep(everyMs);
  }
}

const VARIANTS = [
  { id: 'daemon', title: 'worker.unref()', daemon: true },
  { id: 'non-daemon', title: 'ref’d workers', daemon: false },
];

/** @param {{ id: string, title: string, daemon: boolean }} v @param {import('./common.mjs').ProgramOptions} options */
async function runVariant(v, options) {
  console.log(`== ${v.title} ==`);
  const clock = new Stopwatch();
  const everyMs = 100 * options.scale;
  const untilMs = v.daemon ? null : 2000 * options.scale; // a daemon's loop never ends by itself
  const workers = Array.from({ length: options.threads }, (_, i) => {
    const content = CONTENTS[i % CONTENTS.length];
    return new Worker(new URL(import.meta.url), { workerData: { content, everyMs, untilMs }, name: `${content}-${i + 1}` });
  });
  // A Python thread runs as soon as it is started; a worker first boots its own engine (tens of ms,
  // more on a busy machine). Wait for that, so main's 1 s is time the workers really run alongside.
  await Promise.all(workers.map((w) => once(w, 'online')));
  // Like daemon=True: these workers no longer keep the process alive. (Done once they run: while
  // main only awaited their start, nothing else would have kept the process alive.)
  if (v.daemon) for (const w of workers) w.unref();
  await sleep(1000 * options.scale); // the main thread's own work
  console.log(`\nThe main thread is done after ${seconds(clock.wallNs())} s.`);
  if (v.daemon) {
    console.log('The daemon workers are cut off as the process exits.');
  } else {
    console.log('The process waits for its non-daemon workers...');
    // Nothing here waits for them: the ref'd workers alone keep the process alive.
    process.on('exit', () => console.log(`\nThe workers ended on their own; the program ends after ${seconds(clock.wallNs())} s.`));
  }
}

async function main() {
  const options = readOptions({ threads: 2 });
  if (options.variant === undefined) {
    // A daemon variant ends its whole process, so each variant runs as a program of its own.
    for (const v of VARIANTS) {
      spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2), '--variant', v.id], {
        stdio: 'inherit',
      });
      console.log();
    }
    return;
  }
  const [v] = selectVariants(VARIANTS, options.variant);
  await runVariant(v, options);
}

if (isMainThread) {
  await main();
} else {
  const { content, everyMs, untilMs } = workerData;
  await display(content, everyMs, untilMs);
}
