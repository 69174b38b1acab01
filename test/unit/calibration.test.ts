/**
 * Work sized to the machine: one measurement per interpreter, program and CPU, cached; a factor
 * that brings a task near the target and never beyond safe bounds; the Python runtime measures the
 * lesson program's own work function in CPU time.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { calibrate, calibrationKey, factorFor, TARGET_TASK_SECONDS } from '../../src/engine/calibration';
import { findPackageRoot } from '../../src/engine/packageRoot';
import { NodeRuntime } from '../../src/engine/nodeRuntime';
import { PythonRuntime } from '../../src/engine/python/pythonRuntime';

describe('calibration', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clab-cal-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('measures once, then reads the cache', async () => {
    const file = path.join(dir, 'c.json');
    let calls = 0;
    const meter = async () => {
      calls++;
      return 0.5;
    };
    const first = await calibrate('k', meter, file);
    const second = await calibrate('k', meter, file);
    assert.equal(calls, 1);
    assert.deepEqual(first, { taskSeconds: 0.5, factor: TARGET_TASK_SECONDS / 0.5, cached: false });
    assert.equal(second?.cached, true);
    assert.equal(second?.factor, first?.factor);
  });

  it('ignores a broken cache and a failed measurement', async () => {
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, '{"k": "fast", "j": -1, "x": 1e9');
    assert.equal(await calibrate('k', async () => undefined, file), undefined, 'nothing measured, nothing claimed');
    fs.writeFileSync(file, JSON.stringify({ k: 'fast', j: -1 }));
    assert.equal((await calibrate('k', async () => 2, file))?.taskSeconds, 2);
  });

  it('keeps the factor within safe bounds', () => {
    assert.equal(factorFor(TARGET_TASK_SECONDS), 1);
    assert.equal(factorFor(1e-6), 8);
    assert.equal(factorFor(1000), 0.25);
    // Work that grows faster than the scale needs a smaller factor for the same target.
    assert.ok(Math.abs(factorFor(TARGET_TASK_SECONDS / 4, 2) - 2) < 1e-9);
  });

  it('keys on the program bytes, so an edited program is measured again', () => {
    const a = path.join(dir, 'a.py');
    fs.writeFileSync(a, 'WORK = 1');
    const before = calibrationKey({ runtime: 'python', executable: 'py', version: '3', program: a });
    fs.writeFileSync(a, 'WORK = 2');
    assert.notEqual(calibrationKey({ runtime: 'python', executable: 'py', version: '3', program: a }), before);
  });

  it('measures the lesson programs own work function in Python and Node', async function () {
    this.timeout(60_000);
    const root = findPackageRoot();
    assert.ok(root);
    const rt = new PythonRuntime({ extensionRoot: root });
    const info = await rt.prepare();
    for (const scenario of ['gil', 'parallel'] as const) {
      const seconds = await rt.measureTask(info, rt.programPath(scenario));
      assert.ok(seconds !== undefined && seconds > 0.02 && seconds < 30, `${scenario}: ${seconds}`);
    }
    const node = new NodeRuntime({ extensionRoot: root });
    const nodeInfo = await node.prepare();
    const nodeSeconds = await node.measureTask(nodeInfo, node.programPath('gil'));
    assert.ok(nodeSeconds !== undefined && nodeSeconds > 0.02 && nodeSeconds < 30, `node: ${nodeSeconds}`);
    assert.equal(await node.measureTask(nodeInfo, path.join(dir, 'alone.mjs')), undefined, 'no common.mjs beside it: not calibrated');
    const broken = path.join(dir, 'broken.py');
    fs.writeFileSync(broken, 'raise SystemExit(3)\n');
    assert.equal(await rt.measureTask(info, broken), undefined, 'a program without the work function is not calibrated');
  });
});
