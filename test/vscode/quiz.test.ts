import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { QUIZ_QUESTIONS } from '../../src/extension/quiz/questions';
import { shuffledChoices } from '../../src/extension/quiz/shuffle';
import { api } from './helpers';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Moves the open quick pick's selection to item `index` (from the top) and accepts it. */
async function choose(index: number): Promise<void> {
  for (let i = 0; i < index; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  await pause(300);
}

describe('quiz', () => {
  it('keeps a question open after a wrong answer and passes the section after right ones', async () => {
    const lab = await api();
    const questions = QUIZ_QUESTIONS.filter((q) => q.section === 'gil');
    assert.ok(questions.length > 0);
    let finished: boolean | undefined;
    const quiz = Promise.resolve(vscode.commands.executeCommand<boolean>('concurrencyLab.quiz', { section: 'gil' })).then((r) => (finished = r));
    try {
      await pause(800);
      for (const question of questions) {
        // The learner's own order, as the quick pick shows it.
        const shown = shuffledChoices(question, lab.quizSeed());
        const right = shown.findIndex((c) => c.correct);
        const wrong = shown.findIndex((c) => !c.correct);
        await choose(wrong);
        assert.equal(finished, undefined, 'a wrong answer does not end the quiz');
        await choose(right);
        await pause(300);
      }
      assert.equal(await Promise.race([quiz, pause(5000).then(() => 'still open')]), true);
      assert.equal(lab.progressOf('gil').quiz, true);
    } finally {
      // Never leave a quick pick open for the suites that follow.
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
  });

  it('refuses an unknown section without opening anything', async () => {
    assert.equal(await vscode.commands.executeCommand('concurrencyLab.quiz', { section: 'nope' }), false);
  });
});
