import { largeTrace } from '../fixtures/traces/make';
import { PanelHarness } from './page';
describe('prof', function () {
  it('phases', async () => {
    const h = new PanelHarness();
    await h.start();
    const p = await h.open({ width: 1200 });
    await p.send({ type: 'init', strings: {}, locale: 'en', defaultRuntime: 'python', pythonAvailable: true, runs: [] });
    await p.page.evaluate((t) => ((window as any).__t = t), largeTrace(100_000));
    for (let i = 0; i < 4; i++) {
      const r = await p.page.evaluate(async (id) => {
        const marks: Record<string, number> = {};
        const t0 = performance.now();
        window.addEventListener('message', () => (marks.delivered = performance.now() - t0), { once: true, capture: true });
        const done = new Promise((res) => window.addEventListener('clab:rendered', res, { once: true }));
        const clone = structuredClone((window as any).__t);
        marks.cloneOnly = performance.now() - t0;
        void clone;
        const t1 = performance.now();
        window.postMessage({ type: 'run-result', runId: id, trace: (window as any).__t }, '*');
        await done;
        marks.total = performance.now() - t1;
        return marks;
      }, i + 1);
      console.log(JSON.stringify(r));
    }
    await p.page.evaluate(() => (window as any).__t = null);
    await h.stop();
  });
});
