/**
 * The CPU-bound demos, run for real: beside two CPU hogs, the words (the CLI's text and the
 * findings the panel shows) name the busy machine and claim nothing the numbers contradict; on a
 * quiet machine, with the work sized to the machine, the lesson's claims hold as ratios. Whether the
 * machine was quiet is read from the run itself (other programs' CPU during each variant), so a run
 * on a loaded machine is reported, never failed for the load.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { renderVariantTable } from '../../src/engine/cliTable';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { runScenario } from '../../src/engine/runScenario';
import { schedstatAvailable } from '../../src/engine/sampler';
import { variantFigures } from '../../src/shared/figures';
import { findings } from '../../src/shared/findings';
import type { Runtime, Trace } from '../../src/shared/trace';
import { checkFinding } from '../fixtures/findingChecks';

const root = findPackageRoot(__dirname)!;
const hog = (): ChildProcess => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });

/** Every finding true of its figures; returns the rules said. */
function saidTruly(trace: Trace): string[] {
  const figs = variantFigures(trace);
  const said = findings(trace, figs);
  for (const f of said) checkFinding(trace, figs, f);
  return said.map((f) => f.rule);
}

/** Other programs used less than this many cores' worth during every variant: a quiet run. */
const QUIET_OTHER_CORES = 0.25;

const CASES: { scenario: 'gil' | 'parallel'; runtime: Runtime }[] = [
  { scenario: 'gil', runtime: 'python' },
  { scenario: 'parallel', runtime: 'python' },
  { scenario: 'gil', runtime: 'node' },
];

describe('the lesson claims, on a busy and on a quiet machine', function () {
  this.timeout(240_000);
  before(function () {
    if (!schedstatAvailable() || os.cpus().length !== 2) this.skip(); // the ratios below are for 2 cores, on Linux
  });

  for (const { scenario, runtime } of CASES) {
    it(`${scenario} on ${runtime}: beside two CPU hogs the words name the busy machine`, async () => {
      const hogs = [hog(), hog()];
      let trace: Trace;
      try {
        await new Promise((r) => setTimeout(r, 300));
        trace = await runScenario(scenario, { scale: 0.5 }, { runtime, extensionRoot: root });
      } finally {
        for (const h of hogs) h.kill('SIGKILL');
      }
      const rules = saidTruly(trace);
      assert.equal(rules[0], 'busyOthers', `said: ${rules.join(', ')}`);
      assert.ok(!rules.includes('parallel') || variantFigures(trace).some((f) => f.speedup > 1.3), 'no "ran at once" without a speedup');
      const text = renderVariantTable(trace);
      assert.match(text, /The machine was busy: other programs used \d+\.\d cores/);
      assert.match(text, new RegExp(`to compare medians of three runs: concurrency-lab run ${scenario} --runtime ${runtime} --scale 0\\.5 --repeat 3`), 'offers a rerun');
    });

    it(`${scenario} on ${runtime}: on a quiet machine the lesson holds`, async function () {
      await new Promise((r) => setTimeout(r, 1000)); // the hogs of the test before are gone
      // Medians of three interleaved runs: one run on a shared 2-core machine varies by ±20 %.
      const trace = await runScenario(scenario, {}, { runtime, extensionRoot: root, repeat: 3 });
      const figs = variantFigures(trace);
      const rules = saidTruly(trace);
      const others = Math.max(...figs.map((f) => f.otherCores ?? 0));
      if (others >= QUIET_OTHER_CORES) {
        // Not quiet: the run must say so rather than state the lesson.
        console.log(`      other programs used ${others.toFixed(2)} cores during the run: lesson ratios not judged (${rules.join(', ')})`);
        if (others >= 0.5) assert.equal(rules[0], 'busyOthers');
        return;
      }
      const speedup = (id: string) => figs.find((f) => f.id === id)?.speedup ?? NaN;
      if (runtime === 'python') {
        if (trace.env.gil !== false) assert.ok(speedup('threads') < 1.3, `threads ${speedup('threads').toFixed(2)}× with the GIL`);
        assert.ok(speedup('processes') > 1.4, `processes ${speedup('processes').toFixed(2)}×`);
      } else {
        // Node workers pay a measured start-up of 15-20 % of the wall (see the breakdown), so 2× is out of reach.
        assert.ok(speedup('workers') > 1.4, `workers ${speedup('workers').toFixed(2)}×`);
      }
      assert.ok(trace.calibration, 'the work was sized to this machine');
    });
  }
});
