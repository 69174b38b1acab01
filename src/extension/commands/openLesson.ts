/**
 * `concurrencyLab.openLesson` ("Open Lesson…"): the six walkthroughs with the learner's progress,
 * since the Welcome page shows only five and hides the rest under "More…".
 */
import * as vscode from 'vscode';
import { SECTION_IDS } from '../../shared/scenarios';
import { ACTIVITIES, type Activity, type LessonProgress } from '../lessonProgress';
import { sectionTitle, walkthroughId } from '../sections';

function activityName(activity: Activity): string {
  switch (activity) {
    case 'opened':
      return vscode.l10n.t('program opened');
    case 'ran':
      return vscode.l10n.t('demo run');
    case 'changed':
      return vscode.l10n.t('experiment');
    case 'quiz':
      return vscode.l10n.t('quiz passed');
  }
}

export function registerOpenLesson(progress: LessonProgress): vscode.Disposable {
  return vscode.commands.registerCommand('concurrencyLab.openLesson', async () => {
    const items = SECTION_IDS.map((section, i) => {
      const { done, total } = progress.count(section);
      const entry = progress.of(section);
      const icon = done === total ? '$(pass-filled)' : done > 0 ? '$(circle-large-outline)' : '$(circle-outline)';
      return {
        label: `${icon} ${i + 1}. ${sectionTitle(section)}`,
        description: vscode.l10n.t('{0} of {1} done', done, total),
        detail: ACTIVITIES.map((a) => `${entry[a] ? '✓' : '·'} ${activityName(a)}`).join('   '),
        section,
      };
    });
    const picked = await vscode.window.showQuickPick(items, {
      placeHolder: vscode.l10n.t('Choose a lesson section to open its walkthrough'),
      matchOnDetail: false,
    });
    if (!picked) return;
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId(picked.section), false);
  });
}
