import { strict as assert } from 'node:assert';
import { SCENARIOS, findScenario, validateParams } from '../../src/shared/scenarios';

describe('scenario catalogue and parameters', () => {
  it('has one scenario per lesson section', () => {
    const sections = new Set(SCENARIOS.map((s) => s.section));
    assert.equal(sections.size, 6);
  });

  it('fills defaults and accepts values in range', () => {
    const race = findScenario('race')!;
    const r = validateParams(race, { threads: 4, lock: false });
    assert.ok(r.ok);
    if (r.ok) {
      assert.equal(r.params.threads, 4);
      assert.equal(r.params.lock, 'off');
      assert.equal(r.params.tasks, 100);
    }
  });

  it('refuses out-of-range values instead of clamping them', () => {
    const r = validateParams(findScenario('gil')!, { threads: 0, scale: 99, tasks: 2.5 });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.errors.length, 3);
      assert.match(r.errors.join('\n'), /threads must be between 1 and 64, got 0/);
    }
  });

  it('refuses unknown parameters and bad pool lists', () => {
    const r = validateParams(findScenario('pool')!, { thread: 3, pools: [1, 0] });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.errors.join('\n'), /unknown parameter "thread"[\s\S]*pools\[1\]/);
  });
});
