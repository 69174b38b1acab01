/**
 * Repeated runs: the variants run N times interleaved, each keeps its median run with every
 * repetition's wall time, and every layer that carries the request (CLI, panel message, host
 * message) refuses a repeat outside 1..MAX_REPEAT with a message naming it.
 */
import { strict as assert } from 'node:assert';
import { CliArgError, parseCliArgs } from '../../src/engine/cliArgs';
import { renderVariantTable } from '../../src/engine/cliTable';
import { parseToHost } from '../../src/shared/hostProtocol';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { runScenario } from '../../src/engine/runScenario';
import { MAX_REPEAT, parseFromWebview } from '../../src/shared/protocol';
import { checkTrace } from '../../src/shared/traceCheck';

describe('repeated runs', () => {
  it('are asked for with --repeat N, a whole number from 1 to the limit', () => {
    const cmd = parseCliArgs(['run', 'gil', '--repeat', '3']);
    assert.equal(cmd.cmd === 'run' && cmd.repeat, 3);
    for (const bad of ['0', '2.5', String(MAX_REPEAT + 1), 'x']) {
      assert.throws(() => parseCliArgs(['run', 'gil', '--repeat', bad]), (e: unknown) => e instanceof CliArgError && /--repeat/.test(e.message), bad);
    }
  });

  it('are checked in the panel and host messages', () => {
    const request = { scenario: 'gil', runtime: 'python', params: {} };
    assert.equal(parseFromWebview({ type: 'run', request: { ...request, repeat: 4 } }).ok, true);
    for (const repeat of [0, 1.5, MAX_REPEAT + 1, '3']) {
      const parsed = parseFromWebview({ type: 'run', request: { ...request, repeat } });
      assert.equal(parsed.ok, false, String(repeat));
      assert.equal(parseToHost({ type: 'run', id: 1, scenario: 'gil', params: {}, repeat }), undefined);
    }
    assert.equal(parseToHost({ type: 'run', id: 1, scenario: 'gil', params: {}, repeat: 5 })?.type, 'run');
  });

  it('keep the median run of each variant, interleaved, with every wall time', async function () {
    this.timeout(120_000);
    const order: string[] = [];
    const trace = await runScenario('race', { tasks: 20, threads: 4 }, {
      runtime: 'node',
      extensionRoot: findPackageRoot(),
      repeat: 3,
      onProgress: (p) => p.kind === 'variant' && order.push(p.variant),
    });
    assert.deepEqual(order, ['no-lock', 'lock', 'no-lock', 'lock', 'no-lock', 'lock'], 'A B A B A B, not A A A B B B');
    assert.deepEqual(trace.variants.map((v) => v.id), ['no-lock', 'lock']);
    for (const v of trace.variants) {
      assert.equal(v.repeats?.length, 3);
      const sorted = [...(v.repeats ?? [])].sort((a, b) => a - b);
      assert.equal(v.wallUs, sorted[1], 'the kept run is the median');
    }
    assert.equal(trace.params.repeat, 3);
    assert.deepEqual(checkTrace(trace), []);
    const table = renderVariantTable(trace);
    assert.match(table, /median ms\s+range ms/);
  });
});
