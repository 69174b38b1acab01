/**
 * The kernel tells a busy machine from the GIL: two CPU-bound Python threads traced beside two CPU
 * hogs wait for a core (`core-wait`); traced alone they wait for the GIL, with next to no
 * `core-wait`. A quiet-machine claim is judged only when the machine was quiet before the run.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { schedstatAvailable } from '../../src/engine/sampler';
import { traceProgram } from '../../src/engine/traceProgram';
import type { LaneState, Trace } from '../../src/shared/trace';

const root = findPackageRoot(__dirname)!;
const program = path.join(root, 'test', 'fixtures', 'programs', 'python', 'gil_countdown.py');

/** Share of `states` in the countdown threads' time (done excluded). */
function share(trace: Trace, states: LaneState[]): number {
  const v = trace.variants[0];
  const threads = new Set(v.lanes.filter((l) => l.target === 'countdown').map((l) => l.id));
  assert.equal(threads.size, 2, v.lanes.map((l) => l.name).join(', '));
  let part = 0;
  let all = 0;
  for (const s of v.spans) {
    if (!threads.has(s.lane) || s.state === 'done') continue;
    all += s.end - s.start;
    if (states.includes(s.state)) part += s.end - s.start;
  }
  return part / Math.max(1, all);
}

const hog = (): ChildProcess => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });

describe('busy machine vs the GIL, told apart by the kernel', function () {
  this.timeout(120_000);
  before(function () {
    if (!schedstatAvailable()) this.skip(); // Linux only: the kernel's per-thread readings
  });

  it('beside two CPU hogs the threads wait for a core; alone they wait for the GIL', async function () {
    const hogs = [hog(), hog()];
    let busy: Trace;
    try {
      await new Promise((r) => setTimeout(r, 300)); // let the hogs take the cores
      busy = await traceProgram(program, ['2000000'], { extensionRoot: root, runtime: 'python' });
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
    }
    const busyCore = share(busy, ['core-wait']);
    assert.ok(busyCore > 0.15, `beside two hogs, core-wait ${(busyCore * 100).toFixed(0)} %`);

    await new Promise((r) => setTimeout(r, 1500));
    const quietBefore = os.loadavg()[0] < os.cpus().length * 0.75;
    const quiet = await traceProgram(program, ['2000000'], { extensionRoot: root, runtime: 'python' });
    if (quiet.env.gil === false) this.skip(); // a free-threaded build: no GIL to wait for
    const [core, gil] = [share(quiet, ['core-wait']), share(quiet, ['gil-wait'])];
    assert.ok(gil > 0.1, `alone, gil-wait ${(gil * 100).toFixed(0)} %`);
    if (quietBefore) {
      assert.ok(core < 0.05 || core < busyCore / 3, `alone on a quiet machine, core-wait ${(core * 100).toFixed(0)} % (beside hogs ${(busyCore * 100).toFixed(0)} %)`);
      assert.ok(gil > core, `gil-wait ${(gil * 100).toFixed(0)} % vs core-wait ${(core * 100).toFixed(0)} %`);
    } else {
      console.log(`      busy machine before the quiet run (load ${os.loadavg()[0].toFixed(1)}): core-wait ${(core * 100).toFixed(0)} %, gil-wait ${(gil * 100).toFixed(0)} % (not judged)`);
    }
  });
});
