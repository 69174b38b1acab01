// Output benchmark: a run whose program printed 100 000 lines, in headless Chromium under the
// panel's CSP. Measured: first paint (run-result message → the frame with every timeline drawn and
// the output's rows in place), against the same run without output; scrolling the output list
// (a step of 20 rows, and a jump to anywhere), each to the next painted frame with the rows there;
// and hovering the timeline until the list has followed. Medians; no targets in unit tests.
// Run: node bench/index.mjs output (builds the production bundles first).
// The functions passed to page.evaluate run in the browser, hence its globals here:
/* global window, document, requestAnimationFrame, MouseEvent */
import { bundleAndRequire, median } from './common.mjs';

const LINES = 100_000;
const PAINT_RUNS = 5;
const SCROLL_STEPS = 60;
const JUMPS = 30;
const HOVERS = 40;

/** `LINES` lines of varied length in chunks of 200, spread over the variant, every tenth chunk on stderr. */
function withOutput(trace) {
  const v = trace.variants[1];
  const chunks = [];
  for (let i = 0; i < LINES; i += 200) {
    let text = '';
    for (let k = i; k < i + 200; k++) text += `worker ${k % 8}: item ${k} done in ${(k % 97) / 10} ms${k % 13 ? '' : ' — a longer line, as programs print now and then'}\n`;
    chunks.push({ at: Math.round((i / LINES) * v.wallUs), stream: (i / 200) % 10 === 9 ? 'stderr' : 'stdout', text });
  }
  return { ...trace, variants: trace.variants.map((x, k) => (k === 1 ? { ...x, output: chunks } : x)) };
}

async function firstPaints(panel, trace) {
  await panel.page.evaluate((json) => (window.__benchTrace = JSON.parse(json)), JSON.stringify(trace));
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
  const copy = await panel.page.evaluate(() => {
    const t0 = performance.now();
    structuredClone(window.__benchTrace);
    return performance.now() - t0;
  });
  return { paint: median(paints), min: Math.min(...paints), copy };
}

/** Moves the list by `next(i)` px `count` times; per move, ms to the painted frame with the rows there. */
function scrolling(panel, count, mode) {
  return panel.page.evaluate(
    async ({ count, mode }) => {
      const list = document.querySelector('pre.output');
      list.scrollIntoView({ block: 'nearest' });
      const hook = window.__clabTest;
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const index = hook.variants().findIndex((_v, k) => hook.output(k));
      const out = [];
      let seed = 7;
      for (let i = 0; i < count; i++) {
        const before = hook.output(index).renders;
        const t0 = performance.now();
        if (mode === 'step') list.scrollTop += 400;
        else {
          seed = (seed * 16807) % 2147483647;
          list.scrollTop = (seed / 2147483647) * (list.scrollHeight - list.clientHeight);
        }
        for (;;) {
          await frame();
          const s = hook.output(index);
          if (s.renders > before) {
            out.push({ ms: performance.now() - t0, renderMs: s.renderMs, rows: s.rows.length });
            break;
          }
        }
      }
      return out;
    },
    { count, mode },
  );
}

/** Hovers the timeline at `count` times across it; per move, ms until the list has marked its rows. */
function hovering(panel, count) {
  return panel.page.evaluate(async (count) => {
    const hook = window.__clabTest;
    const index = hook.variants().findIndex((_v, k) => hook.output(k));
    const over = document.querySelectorAll('.timeline .u-over')[index];
    over.scrollIntoView({ block: 'nearest' });
    const rect = over.getBoundingClientRect();
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const out = [];
    for (let i = 0; i < count; i++) {
      const before = hook.output(index).renders;
      const t0 = performance.now();
      const x = rect.left + ((i * 37) % count) / count * rect.width;
      over.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: rect.top + 5, bubbles: true }));
      for (;;) {
        await frame();
        const s = hook.output(index);
        if (s.renders > before) {
          out.push({ ms: performance.now() - t0, renderMs: s.renderMs });
          break;
        }
      }
    }
    return out;
  }, count);
}

export async function measureOutputRaw() {
  const { PanelHarness, largeTrace } = await bundleAndRequire('render-page.ts', 'render-output-page.cjs');
  const harness = new PanelHarness();
  await harness.start();
  try {
    const base = largeTrace(1_000);
    const panel = await harness.open({ width: 1200, height: 900 });
    await panel.send({ type: 'init', strings: {}, locale: 'en', defaultRuntime: 'python', pythonAvailable: true });
    const without = await firstPaints(panel, base);
    const withLines = await firstPaints(panel, withOutput(base));
    const domRows = await panel.page.evaluate(() => document.querySelectorAll('.output-line').length);
    const steps = await scrolling(panel, SCROLL_STEPS, 'step');
    const jumps = await scrolling(panel, JUMPS, 'jump');
    const hovers = await hovering(panel, HOVERS);
    const errors = panel.errors();
    await panel.close();
    if (errors.length) throw new Error(`page errors: ${errors.join('\n')}`);
    return { without, withLines, domRows, steps, jumps, hovers };
  } finally {
    await harness.stop();
  }
}

/** Rows for bench/index.mjs (group `output`). */
export async function measureOutput() {
  const r = await measureOutputRaw();
  const ms = (x) => `${x.toFixed(1)} ms`;
  const per = (xs, key) => median(xs.map((x) => x[key]));
  const maxRows = Math.max(r.domRows, ...r.steps.map((s) => s.rows), ...r.jumps.map((s) => s.rows));
  return [
    {
      group: 'output',
      metric: `${LINES.toLocaleString('en-US')} output lines: trace message → first paint`,
      value: ms(r.withLines.paint),
      target: '—',
      pass: null,
      note: `min ${ms(r.withLines.min)}; the same run without output ${ms(r.without.paint)}; message copy ${ms(r.withLines.copy)} with output, ${ms(r.without.copy)} without; ${r.domRows} rows in the DOM; ${PAINT_RUNS} runs`,
    },
    {
      group: 'output',
      metric: 'output list: scroll 20 rows → painted',
      value: ms(per(r.steps, 'ms')),
      target: '—',
      pass: null,
      note: `${SCROLL_STEPS} steps; our rendering ${per(r.steps, 'renderMs').toFixed(2)} ms per frame; at most ${maxRows} rows in the DOM; a step includes waiting for the next animation frame`,
    },
    {
      group: 'output',
      metric: 'output list: jump anywhere → painted',
      value: ms(per(r.jumps, 'ms')),
      target: '—',
      pass: null,
      note: `${JUMPS} jumps to random positions; our rendering ${per(r.jumps, 'renderMs').toFixed(2)} ms per frame`,
    },
    {
      group: 'output',
      metric: 'timeline hover → output list followed',
      value: ms(per(r.hovers, 'ms')),
      target: '—',
      pass: null,
      note: `${HOVERS} pointer moves across the chart; our rendering ${per(r.hovers, 'renderMs').toFixed(2)} ms per frame (highlight + scroll to the last line printed by then)`,
    },
  ];
}
