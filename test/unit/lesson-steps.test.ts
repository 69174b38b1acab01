/**
 * Progress that means something: each walkthrough step completes on its own context key, set only
 * when its own action happened; and the quiz shows its choices in a per-learner order while still
 * checking the answer by the choice itself.
 */
import { strict as assert } from 'node:assert';
import { LessonProgress, parseStep, STEP_ACTIONS, stepContextKey, stepId, stepOfArgs } from '../../src/extension/lessonProgress';
import { SECTION_IDS } from '../../src/shared/scenarios';
import { QUIZ_QUESTIONS } from '../../src/extension/quiz/questions';
import { shuffledChoices, shuffledOrder } from '../../src/extension/quiz/shuffle';

const store = () => {
  const map = new Map<string, unknown>();
  return { get: <T>(k: string) => map.get(k) as T | undefined, update: async (k: string, v: unknown) => void map.set(k, v) };
};

describe('walkthrough steps', () => {
  it('maps each step to its own context key, and back', () => {
    const keys = new Set<string>();
    for (const section of SECTION_IDS) {
      for (const action of STEP_ACTIONS) {
        const step = { section, action };
        assert.equal(stepId(step), `${section}.${action}`);
        assert.equal(stepContextKey(step), `concurrencyLab.step.${section}.${action}`);
        assert.deepEqual(parseStep(stepId(step)), step);
        keys.add(stepContextKey(step));
      }
    }
    assert.equal(keys.size, SECTION_IDS.length * STEP_ACTIONS.length, 'no two steps share a key');
    assert.equal(stepContextKey({ section: 'race-conditions', action: 'change' }), 'concurrencyLab.step.race-conditions.change');
  });

  it('accepts only known steps from command arguments, so the palette (no arguments) completes nothing', () => {
    assert.deepEqual(stepOfArgs({ scenario: 'gil', step: 'gil.run' }), { section: 'gil', action: 'run' });
    for (const bad of [undefined, {}, { step: 3 }, { step: 'gil' }, { step: 'gil.read' }, { step: 'nope.run' }, { step: '.run' }, ['gil.run'], 'gil.run']) {
      assert.equal(stepOfArgs(bad), undefined, JSON.stringify(bad));
    }
  });

  it('sets the step context key when a step is completed, and nothing else', async () => {
    const set: string[] = [];
    const progress = new LessonProgress(store(), (key) => void set.push(key));
    await progress.completeStep({ section: 'thread-pools', action: 'run' });
    assert.deepEqual(set, ['concurrencyLab.step.thread-pools.run']);
    // A change step is done by tracing an edited copy (learner-copies.test.ts), not by a link's run.
    await progress.completeStep({ section: 'thread-pools', action: 'change' });
    assert.deepEqual(set, ['concurrencyLab.step.thread-pools.run']);
    // Without a setter (the unit tests, older callers) completing a step is a no-op.
    await new LessonProgress(store()).completeStep({ section: 'gil', action: 'quiz' });
  });
});

describe('quiz choice order', () => {
  it('is a permutation, stable for one key', () => {
    for (let n = 1; n <= 6; n++) {
      const order = shuffledOrder(n, `key-${n}`);
      assert.deepEqual([...order].sort(), Array.from({ length: n }, (_, i) => i));
      assert.deepEqual(shuffledOrder(n, `key-${n}`), order);
    }
  });

  it('does not put the right answer first for every question', () => {
    for (const seed of ['learner-a', 'learner-b', 'x1y2z3']) {
      const positions = QUIZ_QUESTIONS.map((q) => shuffledChoices(q, seed).findIndex((c) => c.correct));
      assert.ok(positions.some((p) => p !== 0), `${seed}: the right answer is always first`);
      assert.ok(new Set(positions).size >= 2, `${seed}: the right answer is always at ${positions[0]}`);
    }
  });

  it('differs between learners, and is the same for one learner every time', () => {
    const orders = (seed: string) => QUIZ_QUESTIONS.map((q) => shuffledChoices(q, seed).map((c) => c.text.en).join('|')).join('\n');
    assert.equal(orders('learner-a'), orders('learner-a'));
    assert.notEqual(orders('learner-a'), orders('learner-b'));
  });

  it('still checks the answer by the choice itself after shuffling', () => {
    for (const q of QUIZ_QUESTIONS) {
      const shown = shuffledChoices(q, 'learner-a');
      assert.equal(shown.length, q.choices.length);
      for (const c of q.choices) assert.ok(shown.includes(c), 'the shown choices are those of the question');
      const picked = shown.find((c) => c.correct)!;
      assert.equal(picked, q.choices.find((c) => c.correct));
      assert.equal(shown.filter((c) => c.correct).length, 1);
    }
  });
});
