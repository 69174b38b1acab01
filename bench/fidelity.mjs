// Timing fidelity: in the `download` scenario each task sleeps for a time the program chose — in
// Python the tracer's sleep hook notes the requested time on the `sleeping` span ("time.sleep(0.434)"),
// in Node the preload notes it on the `Atomics.wait` sleep ("Atomics.wait, timed out after 434 ms"). The measured wall time should be their sum (sequential)
// or their maximum (one thread / worker each); what is left is start-up, printing and the tracer.
import { ROOT, engineLib, median } from './common.mjs';

const RUNS = 3;

/** The sleeps the program asked for, from the hooked sleeps' notes: Python's `time.sleep(0.434)`
 *  (seconds) and Node's `Atomics.wait, timed out after 434 ms`. */
function tasksOf(v) {
  const asked = (note) => {
    const py = /^time\.sleep\(([\d.e-]+)\)$/.exec(note ?? '');
    if (py) return Number(py[1]) * 1000;
    const js = /^Atomics\.wait, timed out after ([\d.e-]+) ms$/.exec(note ?? '');
    return js ? Number(js[1]) : undefined;
  };
  return v.spans
    .filter((s) => s.state === 'sleeping' && asked(s.note) !== undefined)
    .map((s) => ({ atMs: s.start / 1000, ms: asked(s.note) }));
}

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
        // A plain program's variant runs from spawn to exit: the interpreter's own start-up is
        // before its first task and not part of what it timed, so count from the first task's start.
        const from = Math.min(...tasks.map((t) => t.atMs));
        entry.errors.push(v.wallUs / 1000 - from - expected);
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
        metric: `download ${runtime} ${id}: wall from the first task − ${id === 'sequential' ? 'Σ' : 'max'} requested`,
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
