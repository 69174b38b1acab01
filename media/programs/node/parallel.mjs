// @ts-check
/**
 * Concurrency vs parallelism. The same CPU-bound tasks, one after another and then side by side.
 * On one core, side by side only means taking turns (concurrency); with a core each, the tasks
 * really run at the same moment (parallelism) and the whole batch takes about as long as one task.
 *
 *   node parallel.mjs                      all variants
 *   node parallel.mjs --variant workers    one of: sequential, workers, processes
 *   node parallel.mjs --threads 4 --scale 0.5
 */
import { availableParallelism } from 'node:os';
import { runCpuBoundProgram } from './cpubound.mjs';

await runCpuBoundProgram({
  intro: [
    'Concurrency vs parallelism: CPU-bound tasks one after another, then side by side.',
    `This machine has ${availableParallelism()} cores.`,
  ],
  conclusion: (speedups) => {
    if (speedups.size === 0) return [];
    const best = Math.max(...speedups.values());
    return [
      best > 1.3
        ? `Side by side was ${best.toFixed(2)}x faster: the tasks ran in parallel on separate cores.`
        : 'Side by side was no faster: the tasks only took turns (too few free cores).',
    ];
  },
});
