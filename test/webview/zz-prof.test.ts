import { largeTrace } from '../fixtures/traces/make';
import { PanelHarness } from './page';
describe('prof', function () {
  it('phases', async () => {
    const h = new PanelHarness();
    await h.start();
    const p = await h.open({ width: 1200 });
    await p.send({ type: 'init', strings: {}, locale: 'en', defaultRuntime: 'python', pythonAvailable: true, runs: [] });
    await p.page.evaluate((t) => ((window as any).__t = t), largeTrace(100_000));
    const cdp = await p.page.context().newCDPSession(p.page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    for (let i = 0; i < 3; i++) {
      await p.page.evaluate(async (id) => {
        const done = new Promise((res) => window.addEventListener('clab:rendered', res, { once: true }));
        window.postMessage({ type: 'run-result', runId: id, trace: (window as any).__t }, '*');
        await done;
      }, i + 1);
    }
    const { profile } = (await cdp.send('Profiler.stop')) as any;
    const self = new Map<string, number>();
    const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
    const dt = profile.timeDeltas as number[];
    profile.samples.forEach((id: number, i: number) => {
      const n = byId.get(id);
      const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1).padStart(8)} ms  ${k}`).join('\n'));
    await h.stop();
  });
});
