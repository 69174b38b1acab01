/** "Predict, then run" in plain Node: which guesses each scenario offers, how they are judged, what a stored one keeps. */
import { strict as assert } from 'node:assert';
import { variantFigures, type VariantFigures } from '../../src/shared/figures';
import { judge, parsePrediction, questionsFor, speedBand, SPEED_BANDS } from '../../src/webview/prediction';
import { fixtureTrace } from '../fixtures/traces/make';

const fig = (id: string, wallMs: number, base = 1000, extra: Partial<VariantFigures> = {}): VariantFigures =>
  ({ id, title: id, wallMs, speedup: base / wallMs, workers: 1, ...extra }) as VariantFigures;

describe('predict, then run (pure)', () => {
  it('asks about each variant after the baseline, or about the result where the scenario checks one', () => {
    const ids = (q: ReturnType<typeof questionsFor>) => q.map((x) => `${x.id}:${x.kind}`);
    assert.deepEqual(ids(questionsFor('gil', 'python', {})), ['threads:speed', 'processes:speed']);
    assert.deepEqual(ids(questionsFor('gil', 'node', {})), ['workers:speed', 'processes:speed']);
    assert.equal(questionsFor('gil', 'node', {})[0].title, 'worker_threads', 'titles stay the engine ones');
    assert.equal(questionsFor('gil', 'python', {})[0].baseline, 'Sequential');
    assert.deepEqual(ids(questionsFor('race', 'python', {})), ['no-lock:outcome', 'lock:outcome']);
    assert.deepEqual(ids(questionsFor('race', 'python', { lock: 'off', tasks: 40 })), ['no-lock:outcome']);
    assert.equal(questionsFor('race', 'python', { tasks: 40 })[0].expected, 40);
    assert.deepEqual(ids(questionsFor('pool', 'node', { pools: [2, 4] })), ['pool-4:speed']);
    // A half-typed field falls back to the default for that field only.
    assert.deepEqual(ids(questionsFor('pool', 'node', { pools: ['2,'], tasks: 3 })), ['pool-2:speed', 'pool-4:speed', 'pool-8:speed']);
    assert.deepEqual(questionsFor('pool', 'node', { pools: [4] }), [], 'one pool: nothing to compare');
  });

  it('judges a speed by the fixed bands, and a balance by exact or less', () => {
    assert.deepEqual(SPEED_BANDS, { faster: 1.2, slower: 0.83 });
    assert.equal(speedBand(1.2), 'faster');
    assert.equal(speedBand(1.19), 'same');
    assert.equal(speedBand(0.84), 'same');
    assert.equal(speedBand(0.83), 'slower');
    const figures = [fig('sequential', 1000), fig('threads', 1030), fig('processes', 520)];
    const judged = judge({ processes: 'faster', threads: 'faster' }, figures);
    assert.deepEqual(
      judged.map((j) => [j.id, j.guess, j.measured?.band, j.right]),
      [
        ['threads', 'faster', 'same', false],
        ['processes', 'faster', 'faster', true],
      ],
      'in the order of the variants',
    );
    assert.ok(Math.abs(judged[0].measured!.value - 1000 / 1030) < 1e-9);
    const race = variantFigures(fixtureTrace('race'));
    const r = judge({ 'no-lock': 'exact', lock: 'exact' }, race);
    assert.deepEqual(
      r.map((j) => [j.id, j.measured?.value, j.measured?.band, j.right, j.expected]),
      [
        ['no-lock', 37, 'less', false, 100],
        ['lock', 100, 'exact', true, 100],
      ],
    );
  });

  it('leaves a guess unmarked when nothing comparable was measured', () => {
    const figures = [fig('sequential', 1000), fig('threads', 900, 1000, { error: 'exited with code 1' })];
    assert.deepEqual(judge({ threads: 'slower', processes: 'faster' }, figures).map((j) => [j.id, j.measured, j.right]), [
      ['threads', undefined, undefined],
      ['processes', undefined, undefined],
    ]);
    const noOutcome = [fig('no-lock', 1000)];
    const j = judge({ 'no-lock': 'less' }, noOutcome, 100)[0];
    assert.equal(j.measured, undefined);
    assert.equal(j.expected, 100, 'the guess can still be said in full');
    const textOutcome = [fig('no-lock', 1000, 1000, { outcome: { expected: '100', actual: 'many' } })];
    assert.equal(judge({ 'no-lock': 'less' }, textOutcome)[0].measured, undefined, 'text results are not compared');
  });

  it('reads a stored prediction as untrusted: junk guesses and keys are dropped', () => {
    assert.equal(parsePrediction(undefined), undefined);
    assert.equal(parsePrediction(['faster']), undefined);
    assert.equal(parsePrediction({ threads: 'maybe', processes: 3 }), undefined);
    const parsed = parsePrediction(JSON.parse('{"threads":"faster","__proto__":"slower","lock":"exact","x":null}'));
    assert.deepEqual(parsed, { threads: 'faster', lock: 'exact' });
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
  });
});
