/**
 * `concurrencyLab.quiz`: the questions of one section in a quick pick that stays open. A wrong pick
 * is marked and its explanation shown under it, and the learner picks again; a right pick says why
 * it is right and moves on. The section counts as done when every question was answered right.
 * The choices are shown in an order of this learner's own (see `shuffle.ts`).
 */
import * as vscode from 'vscode';
import { isRecord } from '../../shared/guards';
import { isSectionId, SECTION_IDS, type SectionId } from '../../shared/scenarios';
import { stepOfArgs, type LessonProgress } from '../lessonProgress';
import { sectionTitle } from '../sections';
import { shuffledChoices } from './shuffle';
import type { LocalizedText, QuizChoice, QuizQuestion, QuizQuestions } from './types';

/** `choice` is the question's own object: the answer is checked by identity, not by position. */
type ChoiceItem = vscode.QuickPickItem & { choice: QuizChoice };

export function pickText(text: LocalizedText, language: string): string {
  return language.toLowerCase().startsWith('zh') ? text['zh-cn'] : text.en;
}

export class QuizCommand {
  constructor(
    private readonly questions: QuizQuestions,
    private readonly progress: LessonProgress,
    /** This learner's shuffle seed (kept in globalState by the extension). */
    private readonly seed: string,
  ) {}

  register(): vscode.Disposable {
    return vscode.commands.registerCommand('concurrencyLab.quiz', (args?: unknown) => this.run(args));
  }

  /** Resolves true when every question of the section was answered right. */
  async run(args?: unknown): Promise<boolean> {
    const given = isRecord(args) ? args.section : undefined;
    let section: SectionId | undefined;
    if (given === undefined) {
      const picked = await vscode.window.showQuickPick(
        SECTION_IDS.map((id) => ({ label: sectionTitle(id), id })),
        { placeHolder: vscode.l10n.t('Choose the section to check yourself on') },
      );
      section = picked?.id;
    } else if (isSectionId(given)) {
      section = given;
    } else {
      void vscode.window.showErrorMessage(vscode.l10n.t('Unknown lesson section {0}. Known sections: {1}.', JSON.stringify(given) ?? '', SECTION_IDS.join(', ')));
    }
    if (!section) return false;
    const questions = this.questions.filter((q) => q.section === section);
    if (questions.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no quiz for this section yet.'));
      return false;
    }
    for (let i = 0; i < questions.length; i++) {
      const answered = await this.ask(questions[i], vscode.l10n.t('Quiz: {0} ({1}/{2})', sectionTitle(section), i + 1, questions.length));
      if (!answered) return false;
    }
    await this.progress.record(section, 'quiz');
    // The section's own quiz step: from its link, or from the palette, passing this quiz is that step.
    const step = stepOfArgs(args);
    await this.progress.completeStep(step?.section === section && step.action === 'quiz' ? step : { section, action: 'quiz' });
    void vscode.window.showInformationMessage(vscode.l10n.t('Well done: every answer in "{0}" is right.', sectionTitle(section)));
    return true;
  }

  /** Shows one question until it is answered right (true) or the learner closes it (false). */
  private ask(question: QuizQuestion, title: string): Promise<boolean> {
    const language = vscode.env.language;
    const quickPick = vscode.window.createQuickPick<ChoiceItem>();
    quickPick.title = title;
    quickPick.placeholder = pickText(question.prompt, language);
    quickPick.ignoreFocusOut = true;
    quickPick.matchOnDetail = false;
    const items: ChoiceItem[] = shuffledChoices(question, this.seed).map((choice) => ({ label: pickText(choice.text, language), choice }));
    quickPick.items = items;
    return new Promise<boolean>((resolve) => {
      let result = false;
      const disposables: vscode.Disposable[] = [
        quickPick.onDidAccept(() => {
          const item = quickPick.selectedItems[0];
          if (!item) return;
          const { choice } = item;
          const why = pickText(choice.explanation, language);
          if (choice.correct) {
            result = true;
            void vscode.window.showInformationMessage(vscode.l10n.t('Right! {0}', why));
            quickPick.hide();
            return;
          }
          // Keep the question open: mark the wrong answer, explain it, and let the learner pick again.
          const shown = items.findIndex((i) => i.choice === choice);
          if (shown < 0) return;
          items[shown] = { ...item, label: `$(close) ${item.label.replace(/^\$\(close\) /, '')}`, detail: why };
          quickPick.items = [...items];
          quickPick.title = `${title} · ${vscode.l10n.t('Not quite: the reason is under your answer. Try again.')}`;
        }),
        quickPick.onDidHide(() => {
          disposables.forEach((d) => d.dispose());
          quickPick.dispose();
          resolve(result);
        }),
      ];
      quickPick.show();
    });
  }
}
