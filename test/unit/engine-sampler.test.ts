import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { toChromeTrace } from '../../src/shared/chromeTrace';
import type { Trace } from '../../src/shared/trace';
import { parseSchedstat, SchedSampler, schedstatAvailable } from '../../src/engine/sampler';

describe('engine schedstat sampler', () => {
  it('parses the two counters', () => {
    assert.deepEqual(parseSchedstat('25478764 2451974 53\n'), { run: 25478764, wait: 2451974 });
    assert.equal(parseSchedstat('garbage'), undefined);
  });

  (schedstatAvailable() ? it : it.skip)('samples active lanes only, sees a busy thread run, and measures its own cost', async function () {
    this.timeout(20_000);
    const busy = spawn(process.execPath, ['-e', 'const e=Date.now()+1500;let x=0;while(Date.now()<e)x++']);
    const lanes = 16;
    const sampler = new SchedSampler();
    const cpuBefore = process.cpuUsage();
    const wallBefore = process.hrtime.bigint();
    for (let i = 0; i < lanes; i++) sampler.track(`busy${i}`, busy.pid!, busy.pid!, true);
    sampler.track('idle', busy.pid!, busy.pid!, false);
    await new Promise((r) => setTimeout(r, 1000));
    const cpu = process.cpuUsage(cpuBefore);
    const wallUs = Number(process.hrtime.bigint() - wallBefore) / 1000;
    const s = sampler.samples('busy0')!;
    sampler.stop();
    busy.kill();
    assert.ok(s.length > 50, `a 4 ms interval gives many samples in 1 s, got ${s.length}`);
    assert.ok(sampler.samples('idle')!.length <= 2, 'an inactive lane is read only at its changes');
    const ran = s[s.length - 1].run - s[0].run;
    const span = s[s.length - 1].t - s[0].t;
    // how much it ran depends on the machine's load; that it ran and stayed within the wall time does not
    assert.ok(ran > 0 && ran <= span * 1.05, `a busy loop is seen running (${(ran / span).toFixed(2)} of the time)`);
    const processShare = (cpu.user + cpu.system) / wallUs;
    console.log(`      sampler: ${lanes} lanes, ${sampler.stats.reads} reads in 1 s; own busy time ${(sampler.overhead() * 100).toFixed(2)} % of a core; whole test process ${(processShare * 100).toFixed(1)} % of a core`);
  });

  (schedstatAvailable() ? it : it.skip)('reads a lane once for a batch of state changes that arrive together', () => {
    const sampler = new SchedSampler();
    sampler.track('me', process.pid, process.pid, false);
    const before = sampler.stats.reads;
    const t0 = process.hrtime.bigint();
    // a tracer's batch: a thousand changes handled back to back
    for (let i = 0; i < 1000; i++) sampler.setActive('me', i % 2 === 0);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const reads = sampler.stats.reads - before;
    sampler.untrack('me');
    assert.ok(reads <= 1 + Math.ceil(ms), `${reads} reads for 1000 changes in ${ms.toFixed(2)} ms: at most one a millisecond`);
    assert.ok(sampler.samples('me')!.length >= 2, 'tracked and untracked: read at both');
  });
});

describe('chrome trace export', () => {
  it('gives one pid per variant, one tid per lane, X events for spans and instants for marks', () => {
    const trace: Trace = {
      schema: 2, scenario: 'daemon', runtime: 'python', params: {}, env: { platform: 'linux', cpus: 2, node: 'v20' }, startedAt: '',
      variants: ['a', 'b'].map((id) => ({
        id, title: id.toUpperCase(), wallUs: 10, lanes: [{ id: 0, name: 'Main', kind: 'main' as const }, { id: 1, name: 'Ping', kind: 'thread' as const, daemon: true }],
        spans: [{ lane: 0, state: 'running' as const, start: 0, end: 4 }, { lane: 1, state: 'sleeping' as const, start: 1, end: 9, note: 'sleep' }, { lane: 0, state: 'done' as const, start: 4, end: 10 }],
        marks: [{ lane: 1, at: 9, kind: 'killed' as const }],
      })),
    };
    const { traceEvents } = toChromeTrace(trace);
    assert.deepEqual([...new Set(traceEvents.map((e) => e.pid))], [1, 2]);
    const names = traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args?.name);
    assert.deepEqual(names, ['Main', 'Ping (daemon)', 'Main', 'Ping (daemon)']);
    const x = traceEvents.filter((e) => e.ph === 'X' && e.pid === 1);
    assert.deepEqual(x.map((e) => [e.tid, e.name, e.ts, e.dur]), [[1, 'running', 0, 4], [2, 'sleeping', 1, 8]]);
    assert.deepEqual(traceEvents.filter((e) => e.ph === 'i').map((e) => [e.pid, e.tid, e.name, e.s]), [[1, 2, 'killed', 't'], [2, 2, 'killed', 't']]);
  });
});
