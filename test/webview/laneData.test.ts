/** The chart's pure data code in plain Node: the loops the 100 000-span target rests on. */
import { strict as assert } from 'node:assert';
import { LANE_STATES, type Variant } from '../../src/shared/trace';
import { variantFigures } from '../../src/shared/figures';
import { findings } from '../../src/shared/findings';
import { STATE_COUNT, buildVariantSeries, forEachVisibleRect, spanAt, timeByState } from '../../src/webview/laneData';
import { fixtureTrace, largeTrace } from '../fixtures/traces/make';

function variant(spans: Variant['spans']): Variant {
  return { id: 'v', title: 'V', wallUs: 10_000, lanes: [{ id: 7, name: 'T', kind: 'thread' }], spans, marks: [] };
}

describe('lane data (typed arrays, visible spans, hit test)', () => {
  it('splits spans by lane, sorted by start, in ms', () => {
    const s = buildVariantSeries(
      variant([
        { lane: 7, state: 'gil-wait', start: 5000, end: 6000, note: 'GIL', where: 'a.py:3' },
        { lane: 7, state: 'running', start: 0, end: 5000 },
        { lane: 99, state: 'running', start: 0, end: 1 },
      ]),
    );
    assert.deepEqual([...s.lanes[0].starts], [0, 5]);
    assert.deepEqual([...s.lanes[0].states], [0, LANE_STATES.indexOf('gil-wait')]);
    assert.equal(s.lanes[0].notes.get(1), 'GIL', 'notes follow their span when sorted');
    assert.equal(s.lanes[0].wheres.get(1), 'a.py:3', 'so do program locations');
    assert.equal(s.spanCount, 2, 'a span on an unknown lane is dropped');
  });

  it('finds the span under a point by binary search, with slack for tiny spans', () => {
    const lane = buildVariantSeries(largeTrace(10_000).variants[1]).lanes[1];
    const mid = lane.starts.length >> 1;
    const at = (lane.starts[mid] + lane.ends[mid]) / 2;
    assert.equal(spanAt(lane, at), mid);
    assert.equal(spanAt(lane, -5), -1);
    assert.equal(spanAt(lane, -0.5, 1), 0);
  });

  it('walks only the visible spans and merges sub-pixel ones into at most one rect per pixel', () => {
    const series = buildVariantSeries(largeTrace(100_000).variants[1]);
    const lane = series.lanes[1];
    const end = series.endMs;
    const widthPx = 800;
    const counts = new Int32Array(STATE_COUNT);
    const rects: number[] = [];
    const n = forEachVisibleRect(lane, 0, end, { origin: 0, perMs: widthPx / end }, (_s, x0) => rects.push(x0), counts);
    assert.ok(lane.starts.length > 10_000);
    assert.ok(n <= widthPx + 1, `rects ${n} bounded by the width`);
    assert.equal(counts.reduce((a, b) => a + b, 0), lane.starts.length, 'every span walked at full zoom');
    const window = new Int32Array(STATE_COUNT);
    const from = lane.starts[100];
    const to = lane.ends[120];
    forEachVisibleRect(lane, from, to, { origin: (-from * widthPx) / (to - from), perMs: widthPx / (to - from) }, () => undefined, window);
    // 21 spans inside, plus the two that touch the window's edges.
    assert.equal(window.reduce((a, b) => a + b, 0), 23, 'only the spans in the window are walked');
  });

  it('still finds a long span when a faulty trace overlaps it with shorter ones', () => {
    const lane = buildVariantSeries(
      variant([
        { lane: 7, state: 'io', start: 0, end: 10_000 },
        { lane: 7, state: 'running', start: 1000, end: 2000 },
        { lane: 7, state: 'running', start: 3000, end: 4000 },
      ]),
    ).lanes[0];
    assert.equal(spanAt(lane, 5), 0);
    const drawn: number[] = [];
    forEachVisibleRect(lane, 5, 6, { origin: -500, perMs: 100 }, (state) => drawn.push(state));
    assert.deepEqual(drawn, [LANE_STATES.indexOf('io')], 'only the I/O span is drawn in the window');
  });

  it('totals time per state', () => {
    const s = buildVariantSeries(variant([{ lane: 7, state: 'io', start: 0, end: 2500 }]));
    assert.equal(timeByState(s.lanes[0])[LANE_STATES.indexOf('io')], 2.5);
  });
});

describe('summary figures and lesson lines', () => {
  it('computes speedup against the first variant and the ideal from the workers', () => {
    const f = variantFigures(fixtureTrace('gil'));
    assert.equal(f[0].speedup, 1);
    assert.ok(f[1].speedup < 1.1, 'threads under the GIL gain nothing');
    assert.ok(f[2].speedup > 1.5, 'processes scale');
    assert.ok(Math.abs(f[2].idealMs! - f[0].wallMs / 2) < 1e-9);
  });

  it('states the point from the data: GIL, lost updates, killed daemons', () => {
    const gil = fixtureTrace('gil');
    const said = (t: typeof gil) => findings(t, variantFigures(t)).map((f) => f.rule);
    assert.ok(said(gil).includes('gilTurns'), said(gil).join());
    const noGil = { ...gil, env: { ...gil.env, gil: false } };
    assert.ok(!said(noGil).includes('gilTurns'), 'no GIL sentence for a Python without one');
    const race = fixtureTrace('race');
    assert.deepEqual(findings(race, variantFigures(race)).find((f) => f.rule === 'raceLost')?.args, ['Without a lock', 63, 100]);
    const daemon = fixtureTrace('daemon');
    assert.deepEqual(findings(daemon, variantFigures(daemon))[0].args, ['daemon=True', 2]);
  });
});

describe('ideal times', () => {
  it('uses the longest download as the ideal of one thread per download', () => {
    const trace = fixtureTrace('download');
    const f = variantFigures(trace);
    const longest = Math.max(...trace.variants[1].spans.filter((s) => s.state === 'io').map((s) => s.end - s.start)) / 1000;
    assert.ok(f[1].idealMs! >= longest && f[1].idealMs! < longest + 1, `${f[1].idealMs} vs ${longest}`);
  });
});
