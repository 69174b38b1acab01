// Chart benchmark: renders GIL-style traces of 1 000, 10 000 and 100 000 spans in headless Chromium
// under the panel's CSP and prints, as medians of several runs, the time from the run-result message
// to the first painted frame, and the time per zoom step (wheel event to the painted frame).
// Run: node esbuild.mjs && node bench/render.mjs
// The functions passed to page.evaluate run in the browser, hence its globals here:
/* global window, document, requestAnimationFrame, WheelEvent */
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
await esbuild.build({
  entryPoints: ['bench/render-page.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'bench/out/render-page.cjs',
  external: ['playwright-core'],
  logLevel: 'error',
});
const { PanelHarness, largeTrace } = require('./out/render-page.cjs');

const SIZES = [1_000, 10_000, 100_000];
const PAINT_RUNS = 5;
const ZOOM_STEPS = 20;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const harness = new PanelHarness();
await harness.start();
console.log(`load average at start: ${(await import('node:os')).loadavg()[0].toFixed(2)} on ${(await import('node:os')).cpus().length} cores`);
console.log('spans      first paint ms (median / min)   of which message copy   zoom step ms (median / min)   lane drawing per frame ms (all variants)');
try {
  for (const size of SIZES) {
    const trace = largeTrace(size);
    const spans = trace.variants.reduce((n, v) => n + v.spans.length, 0);
    const panel = await harness.open({ width: 1200, height: 900 });
    await panel.send({ type: 'init', strings: {}, locale: 'en', defaultRuntime: 'python', pythonAvailable: true });
    await panel.page.evaluate((t) => (window.__benchTrace = t), trace);
    const paints = [];
    for (let i = 0; i < PAINT_RUNS; i++) {
      paints.push(
        await panel.page.evaluate(async (runId) => {
          const done = new Promise((resolve) => window.addEventListener('clab:rendered', resolve, { once: true }));
          const t0 = performance.now();
          window.postMessage({ type: 'run-result', runId, trace: window.__benchTrace }, '*');
          await done;
          return performance.now() - t0;
        }, i + 1),
      );
    }
    // The browser's own cost of copying the message (structured clone), which no chart code can avoid.
    const copies = await panel.page.evaluate((n) => {
      const times = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        structuredClone(window.__benchTrace);
        times.push(performance.now() - t0);
      }
      return times;
    }, PAINT_RUNS);
    const steps = await panel.page.evaluate(async (count) => {
      const over = document.querySelector('.timeline .u-over');
      const rect = over.getBoundingClientRect();
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const results = [];
      for (let i = 0; i < count; i++) {
        const before = window.__clabTest.variants().map((v) => v.draws);
        const t0 = performance.now();
        const deltaY = i < count / 2 ? -120 : 120;
        over.dispatchEvent(new WheelEvent('wheel', { deltaY, clientX: rect.left + rect.width * 0.4, clientY: rect.top + 5, bubbles: true, cancelable: true }));
        for (;;) {
          await frame();
          const now = window.__clabTest.variants();
          if (now.every((v, k) => v.draws > before[k])) {
            results.push({ ms: performance.now() - t0, drawMs: now.reduce((s, v) => s + v.drawMs, 0) });
            break;
          }
        }
      }
      return results;
    }, ZOOM_STEPS);
    const errors = panel.errors();
    await panel.close();
    if (errors.length) throw new Error(`page errors: ${errors.join('\n')}`);
    const stepMs = steps.map((s) => s.ms);
    console.log(
      `${String(spans).padEnd(10)} ${median(paints).toFixed(1).padStart(12)} / ${Math.min(...paints).toFixed(1).padEnd(16)} ${median(copies).toFixed(1).padStart(10)}            ${median(stepMs).toFixed(1).padStart(12)} / ${Math.min(...stepMs).toFixed(1).padEnd(16)} ${median(steps.map((s) => s.drawMs)).toFixed(2).padStart(10)}`,
    );
  }
} finally {
  await harness.stop();
}
console.log(`(medians: first paint of ${PAINT_RUNS} runs, zoom of ${ZOOM_STEPS} wheel steps; a zoom step includes waiting for the next animation frame)`);
