// @ts-check
/**
 * A race condition, and the lock that fixes it.
 *
 * One account balance lives in shared memory (a SharedArrayBuffer). Worker threads each make
 * deposits of 1: read the balance, pause a moment (as the lesson's time.sleep(0.01)), write back
 * the new balance. Without a lock, workers read the same old balance and overwrite each other's
 * deposits, so updates get lost. With a lock around read–pause–write, the balance comes out exact.
 *
 *   node race.mjs                          both variants (or --lock on / --lock off)
 *   node race.mjs --variant no-lock        one of: no-lock, lock
 *   node race.mjs --threads 16 --tasks 100
 */
import { once } from 'node:events';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readOptions, seconds, selectVariants, sleepSync, Stopwatch } from './common.mjs';

// Cells of the shared Int32Array.
const BALANCE = 0; // the account
const NEXT_DEPOSIT = 1; // the queue of deposits: the next one a worker takes
const NEXT_TICKET = 2; // lock: the ticket the next arrival draws
const SERVING = 3; // lock: the ticket whose holder may enter
const CELLS = 4;

/**
 * A first-come-first-served lock on Atomics: draw a ticket, wait until it is called. Fair on
 * purpose: a plain compare-and-swap lock lets the worker that just released grab it again before
 * any woken waiter runs, so one worker would make every deposit.
 */
class TicketLock {
  /** @param {Int32Array} cells */
  constructor(cells) {
    this.cells = cells;
  }

  acquire() {
    const ticket = Atomics.add(this.cells, NEXT_TICKET, 1);
    let serving = Atomics.load(this.cells, SERVING);
    while (serving !== ticket) {
      Atomics.wait(this.cells, SERVING, serving); // sleeps until SERVING changes
      serving = Atomics.load(this.cells, SERVING);
    }
  }

  release() {
    Atomics.add(this.cells, SERVING, 1);
    Atomics.notify(this.cells, SERVING); // wake the waiters; the one holding the next ticket goes on
  }
}

/** One deposit, exactly as the lesson's Account.deposit: read, pause, write. */
function deposit(/** @type {Int32Array} */ cells, /** @type {number} */ money, /** @type {number} */ pauseMs) {
  const newBalance = cells[BALANCE] + money; // a plain read of shared memory
  sleepSync(pauseMs); // meanwhile other workers read the same old balance
  cells[BALANCE] = newBalance; // a plain write: whatever they wrote is overwritten
}

/** A worker: takes deposits from the shared queue until it is empty. */
function makeDeposits() {
  const { buffer, tasks, pauseMs, useLock } = workerData;
  const cells = new Int32Array(buffer);
  const lock = new TicketLock(cells);
  for (let n = Atomics.add(cells, NEXT_DEPOSIT, 1); n < tasks; n = Atomics.add(cells, NEXT_DEPOSIT, 1)) {
    if (useLock) {
      lock.acquire();
      try {
        deposit(cells, 1, pauseMs);
      } finally {
        lock.release();
      }
    } else {
      deposit(cells, 1, pauseMs);
    }
  }
}

/** Runs `tasks` deposits of 1 on `threads` workers and returns the final balance. */
async function runDeposits(/** @type {{ threads: number, tasks: number, scale: number }} */ options, useLock = false) {
  const buffer = new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT);
  const pauseMs = 10 * options.scale;
  const workers = Array.from({ length: options.threads }, (_, i) => {
    const workerData = { buffer, tasks: options.tasks, pauseMs, useLock };
    return new Worker(new URL(import.meta.url), { workerData, name: `Worker-${i + 1}` });
  });
  const exits = workers.map((w) => once(w, 'exit'));
  // Worker threads take tens of ms each to boot; a start line makes them all begin together, as the
  // threads of a pool would: each says it is ready, then all are told to go.
  await Promise.all(workers.map((w) => once(w, 'message')));
  for (const w of workers) w.postMessage('go');
  await Promise.all(exits); // like leaving the pool's with block
  return new Int32Array(buffer)[BALANCE];
}

const VARIANTS = [
  { id: 'no-lock', title: 'Without a lock', useLock: false },
  { id: 'lock', title: 'With a lock', useLock: true },
];

async function main() {
  const options = readOptions({ threads: 16, tasks: 100, lock: 'both' });
  const byLock = VARIANTS.filter((v) => options.lock === 'both' || v.useLock === (options.lock === 'on'));
  const chosen = options.variant === undefined ? byLock : selectVariants(VARIANTS, options.variant);
  for (const v of chosen) {
    console.log(`== ${v.title} ==`);
    console.log(`${options.tasks} deposits of 1 by ${options.threads} worker threads.`);
    const clock = new Stopwatch();
    const balance = await runDeposits(options, v.useLock);
    const wallNs = clock.wallNs();
    console.log(`Balance: ${balance} (expected ${options.tasks})`);
    if (balance !== options.tasks) console.log(`${options.tasks - balance} deposits were lost: workers overwrote each other.`);
    console.log(`Total: ${seconds(wallNs)} s\n`);
  }
}

if (isMainThread) {
  await main();
} else {
  const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  port.once('message', makeDeposits); // the start line
  port.postMessage('ready');
}
