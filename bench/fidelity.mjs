// Timing fidelity: in the `download` scenario each task sleeps for a time the program chose and
// noted in a `task` mark. The measured wall time should be their sum (sequential) or their maximum
// (one thread / worker each); what is left is start-up of threads, printing and the tracer.
import { ROOT, engineLib, median } from './common.mjs';

const RUNS = 3;

/** The `task` marks with the ms the program asked for, from notes like `Python从入门到住院.pdf: 0.434 s`. */
const tasksOf = (v) =>
  v.marks.filter((m) => m.kind === 'task').map((m) => ({ atMs: m.at / 1000, ms: Number(/: ([\d.]+) s$/.exec(m.note ?? '')?.[1]) * 1000 }));

export async function measureFidelity() {
  const lib = await engineLib();
  const rows = [];
  for (const runtime of ['python', 'node']) {
    /** @type {Map<string, { title: string, errors: number[], expected: number[] }>} */
    const byVariant = new Map();
    for (let i = 0; i < RUNS; i++) {
      const trace = await lib.runScenario('download', {}, { runtime, extensionRoot: ROOT });
      for (const v of trace.variants) {
        const tasks = tasksOf(v);
        if (!tasks.length || tasks.some((t) => Number.isNaN(t.ms))) throw new Error(`download/${runtime}/${v.id}: no task durations in the trace`);
        const asked = tasks.map((t) => t.ms);
        const expected = v.id === 'sequential' ? asked.reduce((a, b) => a + b, 0) : Math.max(...asked);
        // Where the tasks really began (thread / worker start-up) accounted for: the trace's own error.
        const predictedEnd = Math.max(...tasks.map((t) => t.atMs + t.ms));
        const entry = byVariant.get(v.id) ?? { title: v.title, errors: [], expected: [], residual: [] };
        entry.errors.push(v.wallUs / 1000 - expected);
        entry.expected.push(expected);
        entry.residual.push(v.wallUs / 1000 - predictedEnd);
        byVariant.set(v.id, entry);
      }
    }
    for (const [id, e] of byVariant) {
      const error = median(e.errors);
      const allowed = 0.05 * median(e.expected) + 20;
      rows.push({
        group: 'fidelity',
        metric: `download ${runtime} ${id}: wall − ${id === 'sequential' ? 'Σ' : 'max'} requested`,
        value: `${error >= 0 ? '+' : ''}${error.toFixed(1)} ms`,
        target: `within ±${allowed.toFixed(0)} ms (5 % + 20 ms)`,
        pass: Math.abs(error) <= allowed,
        note:
          `${e.title}; ${RUNS} runs, errors ${e.errors.map((x) => x.toFixed(0)).join(', ')} ms on ${e.expected.map((x) => x.toFixed(0)).join(', ')} ms asked; ` +
          `from each task's own start mark: wall − (start + asked) ${median(e.residual).toFixed(1)} ms`,
      });
    }
  }
  return rows;
}
