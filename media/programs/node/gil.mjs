// @ts-check
/**
 * The GIL, seen from Node. CPython threads must take turns holding one interpreter lock, so
 * CPU-bound Python threads gain nothing. A Node worker thread has its own JavaScript engine
 * instance and no such lock: CPU-bound workers scale with the cores, just like processes do.
 *
 *   node gil.mjs                        all variants
 *   node gil.mjs --variant processes    one of: sequential, workers, processes
 */
import { availableParallelism } from 'node:os';
import { runCpuBoundProgram } from './cpubound.mjs';

await runCpuBoundProgram({
  intro: [
    'CPU-bound work in Node: the main thread alone, worker threads, child processes.',
    'Node has no global interpreter lock: each worker runs its own engine, so workers can use every core.',
    `This machine has ${availableParallelism()} cores.`,
  ],
  conclusion: (speedups) => {
    const lines = [];
    for (const [id, s] of speedups) lines.push(`${id}: ${s.toFixed(2)}x the speed of the main thread alone.`);
    if (lines.length) {
      lines.push('Compare with Python threads, which stay near 1x on this work because of the GIL;');
      lines.push('Python processes, like Node workers, scale with the cores.');
    }
    return lines;
  },
});
