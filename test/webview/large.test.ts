/**
 * Large and hostile runs in the panel: tens of thousands of lanes draw only what is in view,
 * tall exports come out whole or are refused with a sentence (never a broken file), and a stored
 * run that cannot be drawn is dropped without taking the panel or the other runs with it.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { PngWriter, blobBase64, crc32 } from '../../src/webview/png';
import { parseFromWebview } from '../../src/shared/protocol';
import type { Lane, LaneState, Span, Trace } from '../../src/shared/trace';
import { fixtureTrace } from '../fixtures/traces/make';
import { PanelHarness, type PanelPage } from './page';

/** Must match MAX_VISIBLE_LANES in src/webview/timeline.ts (not imported: that module needs a DOM). */
const MAX_VISIBLE_LANES = 24;

interface DrawInfo {
  id: string;
  lanes: string[];
  lanesDrawn: number;
  laneWindow: { first: number; count: number };
  rects: number;
  draws: number;
}

interface Hook {
  variants(): DrawInfo[];
  pointOf(variant: number, lane: number, state: string): { x: number; y: number } | null;
  tooltipAt(x: number, y: number): string | null;
  runs(): number;
  renderMs(): number | undefined;
}

type Win = { __clabTest: Hook; __posted: Array<{ type: string } & Record<string, unknown>>; __state?: { runs?: unknown[] } };

/** One variant of `lanes` lanes with `perLane` spans each (running, GIL wait, sleep, I/O, lock wait, done). */
function wideTrace(lanes: number, perLane: number, title = 'Threads'): Trace {
  const ls: Lane[] = [];
  const spans: Span[] = [];
  const states: LaneState[] = ['running', 'gil-wait', 'sleeping', 'io', 'lock-wait', 'done'];
  let wall = 0;
  for (let i = 0; i < lanes; i++) {
    ls.push({ id: i, name: i ? `Thread-${i}` : 'MainThread', kind: i ? 'thread' : 'main' });
    let t = (i % 97) * 10;
    for (let k = 0; k < perLane; k++) {
      const d = 100 + ((i * 7 + k * 13) % 400);
      spans.push({ lane: i, state: states[k % states.length], start: t, end: t + d });
      t += d;
    }
    wall = Math.max(wall, t);
  }
  spans.sort((a, b) => a.start - b.start);
  return {
    schema: 2,
    scenario: 'gil',
    runtime: 'python',
    params: {},
    env: { platform: 'linux', cpus: 2, node: '20.0.0', python: '3.12.4', gil: true },
    startedAt: '2026-11-27T09:00:00.000Z',
    variants: [{ id: 'threads', title, wallUs: wall, lanes: ls, spans, marks: [] }],
  };
}

const init = { type: 'init', strings: {}, locale: 'en', defaultRuntime: 'python', pythonAvailable: true };

async function show(p: PanelPage, trace: Trace): Promise<number> {
  await p.send(init);
  // Stored in the page first, so the figure is the panel's own work from the message on; sent as
  // JSON text, which crosses to the page far faster than a structured argument of this size.
  await p.page.evaluate((json) => void ((window as unknown as { __big: unknown }).__big = JSON.parse(json)), JSON.stringify(trace));
  return p.page.evaluate(async () => {
    const done = new Promise((r) => window.addEventListener('clab:rendered', r, { once: true }));
    const t0 = performance.now();
    window.postMessage({ type: 'run-result', runId: 1, trace: (window as unknown as { __big: unknown }).__big }, '*');
    await done;
    return performance.now() - t0;
  });
}

const variants = (p: PanelPage): Promise<DrawInfo[]> => p.page.evaluate(() => (window as unknown as Win).__clabTest.variants());
const saves = (p: PanelPage) => p.posted().then((m) => m.filter((x) => x.type === 'save'));
const status = (p: PanelPage) => p.page.locator('.status').textContent();

async function exportAs(p: PanelPage, id: 'png' | 'svg', expectSave: boolean): Promise<string | undefined> {
  const before = (await saves(p)).length;
  const started = Date.now();
  await p.page.click(`#clab-export-${id}`);
  if (expectSave) {
    await p.page.waitForFunction((n) => (window as unknown as Win).__posted.filter((m) => m.type === 'save').length > n, before, { timeout: 60_000 });
    console.log(`      ${id.toUpperCase()} export: ${Date.now() - started} ms`);
    return String((await saves(p)).at(-1)?.content);
  }
  await p.page.waitForFunction(() => /too large/.test(document.querySelector('.status')?.textContent ?? ''), undefined, { timeout: 60_000 });
  assert.equal((await saves(p)).length, before, 'nothing saved');
  return undefined;
}

/** A PNG's header and pixels (RGB or RGBA, 8-bit, non-interlaced), every chunk's CRC checked. */
function decodePng(bytes: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array } {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  let ended = false;
  while (at < bytes.length) {
    const len = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const crc = (crc32(bytes.subarray(at + 4, at + 8 + len)) ^ 0xffffffff) >>> 0;
    assert.equal(bytes.readUInt32BE(at + 8 + len), crc, `${type} CRC`);
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth');
      channels = data[9] === 2 ? 3 : data[9] === 6 ? 4 : 0;
      assert.ok(channels, `colour type ${data[9]}`);
      assert.equal(data[12], 0, 'not interlaced');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    at += 12 + len;
  }
  assert.ok(ended, 'IEND present');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  assert.equal(raw.length, height * (stride + 1), 'one filtered row per image row');
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    assert.ok(filter <= 4, `row ${y}: filter ${filter}`);
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[row + x - channels] : 0;
      const b = y > 0 ? pixels[row - stride + x] : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const c = x >= channels && y > 0 ? pixels[row - stride + x - channels] : 0;
        const [pa, pb, pc] = [Math.abs(b - c), Math.abs(a - c), Math.abs(a + b - 2 * c)];
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[row + x] = (raw[src + x] + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

describe('PNG writer (Node)', () => {
  it('writes a whole image from bands, readable by zlib, every chunk checked', async () => {
    const width = 37;
    const height = 100;
    const png = new PngWriter(width, height);
    // Rows repeat in fours (as lanes do), and runs cross the bands' edges (every 30 rows).
    const pixel = (x: number, y: number): number[] => [(x * 7) & 255, ((y >> 2) * 3) & 255, (x + (y >> 2)) & 255, 255];
    for (let y0 = 0; y0 < height; y0 += 30) {
      const rows = Math.min(30, height - y0);
      const band = new Uint8Array(width * rows * 4);
      for (let y = 0; y < rows; y++) for (let x = 0; x < width; x++) band.set(pixel(x, y0 + y), (y * width + x) * 4);
      await png.addRows(band, rows);
    }
    const image = decodePng(Buffer.from(await blobBase64(await png.finish()), 'base64'));
    assert.deepEqual([image.width, image.height, image.channels], [width, height, 3]);
    for (let y = 0; y < height; y++) for (const x of [0, 17, 36]) {
      assert.deepEqual([...image.pixels.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)], pixel(x, y).slice(0, 3), `pixel ${x},${y}`);
    }
  });

  it('refuses to finish an image with rows missing', async () => {
    const png = new PngWriter(4, 4);
    await png.addRows(new Uint8Array(4 * 2 * 4), 2);
    await assert.rejects(png.finish(), /2 of 4 rows/);
  });
});

describe('large and hostile runs in the panel (Chromium)', function () {
  const harness = new PanelHarness();
  let p: PanelPage | undefined;
  before(() => harness.start());
  after(() => harness.stop());
  afterEach(async () => {
    const errors = p?.errors() ?? [];
    await p?.close();
    p = undefined;
    assert.deepEqual(errors, [], 'no page errors');
  });

  it('draws only the lanes in view: 50,000 lanes and 300,000 spans', async () => {
    p = await harness.open({ width: 1200, height: 900 });
    const trace = wideTrace(50_000, 6);
    const ms = await show(p, trace);
    const [v] = await variants(p);
    console.log(`      first paint, 50 000 lanes / 300 000 spans: ${ms.toFixed(0)} ms`);
    assert.equal(v.lanes.length, 50_000);
    assert.deepEqual(v.laneWindow, { first: 0, count: MAX_VISIBLE_LANES });
    assert.ok(v.lanesDrawn > 0 && v.lanesDrawn <= MAX_VISIBLE_LANES, `lanes drawn in a frame: ${v.lanesDrawn}`);
    assert.ok(v.rects <= MAX_VISIBLE_LANES * 6, `rectangles drawn: ${v.rects}`);
    const canvas = await p.page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('.timeline canvas')!;
      return { height: c.height, box: c.closest('.timeline')!.clientHeight };
    });
    assert.ok(canvas.height < 1000, `the canvas holds the window only (${canvas.height} px)`);
    assert.deepEqual(await p.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), [], 'sizes set from script pass the CSP');
    // Scrolling brings other lanes in; a frame still draws only the window.
    const draws = v.draws;
    await p.page.evaluate(() => (document.querySelector('.timeline.scrolls')!.scrollTop = 40_000 * 26));
    await p.page.waitForFunction((d) => (window as unknown as Win).__clabTest.variants()[0].draws > d, draws);
    const [after] = await variants(p);
    assert.ok(Math.abs(after.laneWindow.first - 40_000) < 1, `window starts at lane ${after.laneWindow.first}`);
    assert.ok(after.lanesDrawn <= MAX_VISIBLE_LANES + 1, `lanes drawn after scrolling: ${after.lanesDrawn}`);
    const at = await p.page.evaluate(() => (window as unknown as Win).__clabTest.pointOf(0, 40_005, 'running'));
    assert.ok(at, 'lane 40 005 is in view');
    const tip = await p.page.evaluate(([x, y]) => (window as unknown as Win).__clabTest.tooltipAt(x, y), [at.x, at.y]);
    assert.match(tip ?? '', /^Thread-40005 · Running · start/);
    assert.equal(await p.page.evaluate(() => (window as unknown as Win).__clabTest.pointOf(0, 10, 'running')), null, 'lane 10 scrolled out');
    // The tables (for screen readers) are bounded too, and say so.
    assert.equal(await p.page.locator('section.tables tbody tr').count(), 200);
    assert.match((await p.page.locator('section.tables .note').textContent()) ?? '', /first 200 of 50,000 lanes/);
    mkdirSync('test-results/webview', { recursive: true });
    await p.page.screenshot({ path: 'test-results/webview/large-50k-lanes.png', fullPage: true });
    // Exports of this many lanes are refused in a sentence, and nothing is saved.
    await exportAs(p, 'png', false);
    assert.match((await status(p)) ?? '', /^The chart is too large to export as PNG \(50,000 lanes\)\. Export the CSV or the Chrome trace instead\.$/);
    await exportAs(p, 'svg', false);
    assert.match((await status(p)) ?? '', /too large to export as SVG \(50,000 lanes\)/);
    const logs = (await p.posted()).filter((m) => m.type === 'log').map((m) => String(m.message));
    assert.ok(logs.some((l) => /png export not saved/.test(l)) && logs.some((l) => /svg export not saved/.test(l)), logs.join('\n'));
  });

  it('scrolls through lanes with the keyboard, and zooms and follows the theme while scrolled', async () => {
    p = await harness.open({ width: 1000, height: 900 });
    await show(p, wideTrace(100, 6));
    await p.page.focus('.timeline');
    const draws = (await variants(p))[0].draws;
    await p.page.keyboard.press('PageDown');
    await p.page.waitForFunction((d) => (window as unknown as Win).__clabTest.variants()[0].draws > d && (window as unknown as Win).__clabTest.variants()[0].laneWindow.first > 5, draws);
    await p.page.keyboard.press('End');
    await p.page.waitForFunction(() => (window as unknown as Win).__clabTest.variants()[0].laneWindow.first === 100 - 24);
    const [end] = await variants(p);
    assert.ok(end.lanesDrawn <= MAX_VISIBLE_LANES, `lanes drawn: ${end.lanesDrawn}`);
    const at = await p.page.evaluate(() => (window as unknown as Win).__clabTest.pointOf(0, 99, 'running'));
    assert.ok(at, 'the last lane is in view');
    assert.match((await p.page.evaluate(([x, y]) => (window as unknown as Win).__clabTest.tooltipAt(x, y), [at.x, at.y])) ?? '', /^Thread-99 · Running/);
    // The wheel over the lanes still zooms time, and the lane window stays where it was.
    const xr = (await variants(p))[0] as DrawInfo & { xRange: [number, number] };
    await p.page.mouse.move(at.x, at.y);
    await p.page.mouse.wheel(0, -300);
    await p.page.waitForFunction((w) => {
      const v = (window as unknown as Win).__clabTest.variants()[0] as unknown as { xRange: [number, number] };
      return v.xRange[1] - v.xRange[0] < w;
    }, xr.xRange[1] - xr.xRange[0]);
    assert.equal((await variants(p))[0].laneWindow.first, 100 - 24);
    const before = (await variants(p))[0].draws;
    await p.page.evaluate(() => document.body.classList.replace('vscode-dark', 'vscode-light'));
    await p.page.waitForFunction((d) => (window as unknown as Win).__clabTest.variants()[0].draws > d, before);
    assert.equal((await variants(p))[0].laneWindow.first, 100 - 24, 'a theme change keeps the scroll position');
    await p.page.screenshot({ path: 'test-results/webview/large-scrolled-light.png' });
  });

  it('exports a PNG of 3,000 lanes as one whole image, drawn in bands', async () => {
    p = await harness.open({ width: 1100, height: 900 });
    await show(p, wideTrace(3000, 6));
    const content = await exportAs(p, 'png', true);
    const bytes = Buffer.from(content!, 'base64');
    console.log(`      PNG of 3 000 lanes: ${(bytes.length / 1024).toFixed(0)} KB`);
    const image = decodePng(bytes);
    assert.ok(image.height > 3000 * 26, `${image.width}×${image.height}`);
    assert.ok(image.width >= 900);
    // Every band of rows holds drawn lanes: the running green (dark theme #89d185) appears in each.
    const band = 2048;
    const green = (i: number): boolean => image.pixels[i] === 0x89 && image.pixels[i + 1] === 0xd1 && image.pixels[i + 2] === 0x85;
    const stride = image.width * image.channels;
    const lanesEnd = image.height - 200; // the legend sits under the last timeline
    for (let y0 = 600; y0 < lanesEnd; y0 += band) {
      let found = false;
      for (let y = y0; y < Math.min(y0 + band, lanesEnd) && !found; y += 3) {
        for (let x = 0; x < stride && !found; x += image.channels) found = green(y * stride + x);
      }
      assert.ok(found, `lanes drawn in rows ${y0}-${y0 + band}`);
    }
    writeFileSync('test-results/webview/large-3k-lanes.png', bytes);
    // The SVG of the same run stays within the protocol's limit and names the last lane.
    const svg = (await exportAs(p, 'svg', true))!;
    console.log(`      SVG of 3 000 lanes: ${(svg.length / 1024 / 1024).toFixed(1)} MB`);
    assert.ok(svg.length < 48 * 1024 * 1024);
    assert.match(svg, /^<svg[\s\S]*Thread-2999<\/text>/);
    assert.ok((await saves(p)).every((s) => parseFromWebview(s).ok));
  });

  it('drops a stored run that cannot be drawn, says so in one line, and keeps the others', async () => {
    const good = fixtureTrace('gil');
    const bad = fixtureTrace('race');
    bad.startedAt = '2026-11-27T08:01:00.000Z';
    bad.variants[0].lanes[0].name = 'UNDRAWABLE';
    const other = { ...fixtureTrace('pool'), startedAt: '2026-11-27T08:02:00.000Z' };
    // Stands for any fault in drawing one run's data: measuring its lane name throws.
    p = await openPatched(harness, { v: 1, runs: [{ trace: good }, { trace: bad }, { trace: other }], selected: 1 }, 'measureText');
    await p.page.waitForFunction(() => (window as unknown as Win).__clabTest.variants().some((v) => v.draws > 0));
    assert.match((await status(p)) ?? '', /^A run could not be drawn and was dropped: simulated fault$/);
    assert.equal(await p.page.evaluate(() => (window as unknown as Win).__clabTest.runs()), 2);
    assert.deepEqual((await variants(p)).map((v) => v.id), ['pool-1', 'pool-2', 'pool-4', 'pool-8'], 'the newest remaining run is shown');
    const posted = await p.posted();
    assert.equal(posted[0].type, 'ready');
    assert.ok(posted.some((m) => m.type === 'log' && /dropped a run it could not draw/.test(String(m.message))));
    // The drop is kept: the saved state no longer holds the run.
    await p.page.waitForFunction(() => (window as unknown as Win).__state?.runs?.length === 2);
  });

  it('drops a run whose chart fails in its first frame, and shows the next', async () => {
    const good = fixtureTrace('gil');
    const bad = { ...fixtureTrace('race'), startedAt: '2026-11-27T08:01:00.000Z' };
    bad.variants[1].title = 'UNDRAWABLE';
    p = await openPatched(harness, { v: 1, runs: [{ trace: good }, { trace: bad }], selected: 1 }, 'clip');
    await p.page.waitForFunction(() => /could not be drawn/.test(document.querySelector('.status')?.textContent ?? ''));
    await p.page.waitForFunction(() => (window as unknown as Win).__clabTest.variants().length === 3);
    assert.equal(await p.page.evaluate(() => (window as unknown as Win).__clabTest.runs()), 1);
    assert.deepEqual((await variants(p)).map((v) => v.id), ['sequential', 'threads', 'processes']);
  });

  it('shows stored runs whose names are also names of object properties', async () => {
    const a = fixtureTrace('gil');
    a.variants[0].title = 'constructor';
    const b = { ...fixtureTrace('race'), scenario: '__proto__', startedAt: '2026-11-27T08:01:00.000Z' };
    b.variants[0].title = 'toString';
    p = await harness.open({ state: { v: 1, runs: [{ trace: a }, { trace: b }], selected: 0 } });
    await p.page.waitForFunction(() => (window as unknown as Win).__clabTest.variants().length === 3 && (window as unknown as Win).__clabTest.variants().every((v) => v.draws > 0));
    assert.equal(await p.page.evaluate(() => (window as unknown as Win).__clabTest.runs()), 2);
    assert.match((await p.page.locator('.timeline-section h4').first().textContent()) ?? '', /^constructor — /);
  });
});

/** Opens the panel with `state` stored and one canvas method made to throw for the run named
 *  UNDRAWABLE (a lane name being measured, or a chart whose label says so being clipped). */
async function openPatched(harness: PanelHarness, state: unknown, method: 'measureText' | 'clip'): Promise<PanelPage> {
  return harness.open({
    state,
    initScript: (m: unknown) => {
      const proto = CanvasRenderingContext2D.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
      const name = String(m);
      const original = proto[name];
      proto[name] = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
        const named = name === 'measureText' ? String(args[0]).includes('UNDRAWABLE') : args.length === 0 && !!this.canvas.closest?.('.timeline')?.getAttribute('aria-label')?.includes('UNDRAWABLE');
        if (named) throw new Error('simulated fault');
        return original.apply(this, args);
      };
    },
    initArg: method,
  });
}
