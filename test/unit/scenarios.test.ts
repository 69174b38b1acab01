import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROGRAM_HELPERS, SCENARIOS, SCENARIO_IDS, findScenario, validateParams } from '../../src/shared/scenarios';

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

describe('program helpers copied with a learner’s copy', () => {
  it('are exactly the local modules the shipped programs import, and nothing of the tracer for Python', () => {
    const dir = path.resolve(__dirname, '../../../media/programs');
    const local = (lang: string, ext: string): Set<string> => {
      const seen = new Set<string>();
      const visit = (file: string): void => {
        const text = fs.readFileSync(path.join(dir, lang, file), 'utf8');
        for (const m of text.matchAll(/(?:from |new URL\()'\.\/([\w-]+\.mjs)'/g)) {
          if (!seen.has(m[1])) {
            seen.add(m[1]);
            visit(m[1]);
          }
        }
      };
      for (const id of SCENARIO_IDS) visit(`${id}.${ext}`);
      return seen;
    };
    assert.deepEqual([...local('node', 'mjs')].sort(), [...PROGRAM_HELPERS.node].sort());
    assert.deepEqual(PROGRAM_HELPERS.python, []);
  });
});
