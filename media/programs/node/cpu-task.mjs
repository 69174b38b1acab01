// @ts-check
/**
 * One CPU-bound task of parallel.mjs and gil.mjs, run either as a worker thread or as a child
 * process. Either way it counts primes and hands the count back to the program that started it.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { countPrimes, PRIME_LIMIT, processCpuNs, readOptions } from './common.mjs';
import * as trace from './labtrace.mjs';

if (!isMainThread) {
  // A worker thread: same process, its own JavaScript engine instance, its own core if one is free.
  const { index, limit } = workerData;
  trace.lane(`Worker-${index}`, 'worker');
  const primes = countPrimes(limit);
  trace.endLane();
  parentPort?.postMessage({ index, primes });
} else {
  // A child process started with fork(): a whole separate Node with its own memory.
  const options = readOptions();
  const limit = Math.round(PRIME_LIMIT * options.scale);
  await trace.start();
  trace.lane(`Process-${options.index}`, 'process');
  const primes = countPrimes(limit);
  trace.endLane();
  await trace.close();
  // The parent may be gone (stopped mid-run): then there is nobody to tell, and we just end.
  if (process.connected) {
    process.send?.({ index: options.index, primes, cpuNs: processCpuNs() }, () => process.disconnect());
  }
}
