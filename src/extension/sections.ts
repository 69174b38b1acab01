/** Localized names of the lesson sections and scenarios, shared by the pickers and the panel title. */
import * as vscode from 'vscode';
import type { ScenarioInfo, SectionId } from '../shared/scenarios';

/** The walkthroughs' full ids: `publisher.name#walkthroughId`, the id being the section. */
export const EXTENSION_ID = 'concurrency-lab.concurrency-lab';

export function walkthroughId(section: SectionId): string {
  return `${EXTENSION_ID}#${section}`;
}

export function sectionTitle(section: SectionId): string {
  switch (section) {
    case 'threads-processes':
      return vscode.l10n.t('Threads and processes');
    case 'multithreading':
      return vscode.l10n.t('Multithreading');
    case 'daemon-threads':
      return vscode.l10n.t('Daemon threads');
    case 'race-conditions':
      return vscode.l10n.t('Race conditions and locks');
    case 'thread-pools':
      return vscode.l10n.t('Thread pools');
    case 'gil':
      return vscode.l10n.t('The GIL');
  }
}

/** Scenario titles and descriptions are English in the catalogue; the bundle holds their Chinese. */
export function scenarioTitle(s: ScenarioInfo): string {
  return vscode.l10n.t(s.title);
}

export function scenarioDescription(s: ScenarioInfo): string {
  return vscode.l10n.t(s.description);
}
