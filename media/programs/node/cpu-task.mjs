// @ts-check
/**
 * One CPU-bound task of parallel.mjs and gil.mjs, run either as a worker thread or as a child
 * process. Either way it counts primes and hands the count back to the program that started it.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { countPrimes, PRIME_LIMIT, readOptions } from './common.mjs';

if (!isMainThread) {
  // A worker thread: same process, its own JavaScript engine instance, its own core if one is free.
  const { index, limit } = workerData;
  parentPort?.postMessage({ index, primes: countPrimes(limit) });
} else {
  // A child process started with fork(): a whole separate Node with its own memory.
  const options = readOptions();
  const primes = countPrimes(Math.round(PRIME_LIMIT * options.scale));
  // The parent may be gone (stopped mid-run): then there is nobody to tell, and we just end.
  if (process.connected) process.send?.({ index: options.index, primes }, () => process.disconnect());
}
