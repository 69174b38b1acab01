// @ts-check
/**
 * What every Node scenario program shares: its command-line flags, a stopwatch, a blocking sleep and
 * the CPU-bound work. Kept apart so each program reads as its lesson section and nothing else.
 */
import { parseArgs } from 'node:util';

/**
 * @typedef {object} ProgramOptions
 * @property {string | undefined} variant  one variant to run; all when absent
 * @property {number} threads
 * @property {number} tasks
 * @property {number} scale   multiplies every duration and amount of work
 * @property {'both' | 'on' | 'off'} lock
 * @property {number[]} pools
 * @property {boolean} child  set when a program starts itself as a child process
 * @property {number} index   the child's task number
 */

/**
 * Stops the program on a bad flag with a one-line message instead of a stack trace.
 * @param {string} message @returns {never}
 */
function usageError(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

/**
 * Reads the flags the engine passes (`--variant ID --threads N --tasks N --scale X --lock both|on|off
 * --pools 1,2,4`), with the scenario's defaults for the ones left out.
 * @param {Partial<Omit<ProgramOptions, 'variant'>>} defaults
 * @returns {ProgramOptions}
 */
export function readOptions(defaults = {}) {
  const { values } = parseArgs({
    options: {
      variant: { type: 'string' },
      threads: { type: 'string' },
      tasks: { type: 'string' },
      scale: { type: 'string' },
      lock: { type: 'string' },
      pools: { type: 'string' },
      child: { type: 'boolean' },
      index: { type: 'string' },
    },
    strict: false,
  });
  /** @param {unknown} text @param {number} fallback @param {boolean} integer */
  const number = (text, fallback, integer) => {
    if (typeof text !== 'string') return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      usageError(`expected a positive ${integer ? 'whole number' : 'number'}, got "${text}"`);
    }
    return n;
  };
  const lock = values.lock ?? defaults.lock ?? 'both';
  if (lock !== 'both' && lock !== 'on' && lock !== 'off') usageError(`--lock must be both, on or off, got "${lock}"`);
  const pools =
    typeof values.pools === 'string'
      ? values.pools.split(',').map((p) => number(p, 1, true))
      : (defaults.pools ?? [1, 2, 4, 8]);
  return {
    variant: typeof values.variant === 'string' ? values.variant : undefined,
    threads: number(values.threads, defaults.threads ?? 2, true),
    tasks: number(values.tasks, defaults.tasks ?? 2, true),
    scale: number(values.scale, defaults.scale ?? 1, false),
    lock,
    pools,
    child: values.child === true,
    index: number(values.index, 1, true),
  };
}

/**
 * The variants to run: the one named by --variant, or all of them.
 * @template {{ id: string }} V @param {V[]} all @param {string | undefined} selected @returns {V[]}
 */
export function selectVariants(all, selected) {
  if (selected === undefined) return all;
  const found = all.filter((v) => v.id === selected);
  if (found.length === 0) {
    usageError(`unknown variant "${selected}" (known: ${all.map((v) => v.id).join(', ')})`);
  }
  return found;
}

/** Wall time since creation, in ns. */
export class Stopwatch {
  constructor() {
    this.wallStart = process.hrtime.bigint();
  }
  wallNs() {
    return Number(process.hrtime.bigint() - this.wallStart);
  }
}

/** Seconds with three decimals, as the lesson prints them. @param {number} ns */
export function seconds(ns) {
  return (ns / 1e9).toFixed(3);
}

const nobodyWakesThis = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks the calling thread for `ms`, as Python's time.sleep does: Atomics.wait on a cell nobody
 * ever changes returns when its timeout is up. (`await setTimeout(ms)` would let the thread run
 * other callbacks meanwhile; a blocked thread is what the lesson is about.)
 * @param {number} ms
 */
export function sleepSync(ms) {
  Atomics.wait(nobodyWakesThis, 0, 0, ms);
}

/** Numbers below which one CPU-bound task counts primes: about half a second on the lab machine. */
export const PRIME_LIMIT = 2_300_000;

/**
 * Counts primes below `limit` by trial division: plain CPU work with no I/O and no waiting.
 * @param {number} limit
 */
export function countPrimes(limit) {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}
