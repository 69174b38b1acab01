/** Quick picks shared by the commands that accept no arguments from the Command Palette. */
import * as vscode from 'vscode';
import { SCENARIOS, type ScenarioInfo } from '../../shared/scenarios';
import { scenarioDescription, scenarioTitle, sectionTitle } from '../sections';

/** Lets the learner choose a scenario: localized title, its lesson section and one line on what it shows. */
export async function pickScenario(placeHolder: string): Promise<ScenarioInfo | undefined> {
  const items = SCENARIOS.map((s) => ({
    label: scenarioTitle(s),
    description: sectionTitle(s.section),
    detail: scenarioDescription(s),
    scenario: s,
  }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.scenario;
}
