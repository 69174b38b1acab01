// Chart rendering rows, from bench/render.mjs (run as it is, its text table parsed): first paint
// after the run-result message and time per zoom step, for traces of 1 000, 10 000 and 100 000 spans.
import { ROOT, run } from './common.mjs';
import { join } from 'node:path';

/** Parses render.mjs's rows: `spans  paint-median / paint-min  copy  zoom-median / zoom-min  draw`. */
export function parseRender(stdout) {
  const rows = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\d+)\s+([\d.]+) \/ ([\d.]+)\s+([\d.]+)\s+([\d.]+) \/ ([\d.]+)\s+([\d.]+)/.exec(line.trim());
    if (m) rows.push({ spans: Number(m[1]), paint: Number(m[2]), copy: Number(m[4]), zoom: Number(m[5]), draw: Number(m[7]) });
  }
  return rows;
}

export async function measureRender() {
  const r = await run(process.execPath, [join(ROOT, 'bench', 'render.mjs')]);
  const parsed = parseRender(r.stdout);
  if (r.code !== 0 || !parsed.length) throw new Error(`bench/render.mjs failed:\n${r.stdout}\n${r.stderr}`);
  return parsed.flatMap((p) => {
    const big = p.spans >= 100_000;
    const label = p.spans.toLocaleString('en-US');
    return [
      {
        group: 'chart',
        metric: `${label} spans: trace message → first paint`,
        value: `${p.paint.toFixed(1)} ms`,
        target: big ? '< 500 ms' : '—',
        pass: big ? p.paint < 500 : null,
        note: `of which ${p.copy.toFixed(1)} ms is the browser copying the message`,
      },
      {
        group: 'chart',
        metric: `${label} spans: zoom step → painted`,
        value: `${p.zoom.toFixed(1)} ms`,
        target: big ? '< 50 ms' : '—',
        pass: big ? p.zoom < 50 : null,
        note: `lane drawing ${p.draw.toFixed(2)} ms per frame; a step includes waiting for the next animation frame`,
      },
    ];
  });
}
