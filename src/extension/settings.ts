/** Reads `concurrencyLab.*` from VS Code and reports bad values once per change, never throwing. */
import * as vscode from 'vscode';
import { readLabSettings, resolvePythonPath, type LabSettings, type SettingProblem } from './settingsModel';

export const SECTION = 'concurrencyLab';

export function describeProblem(p: SettingProblem): string {
  return vscode.l10n.t(
    'Setting {0} has an invalid value {1}: expected {2}. Using {3} instead.',
    p.setting,
    JSON.stringify(p.value) ?? String(p.value),
    p.expected,
    p.fallback,
  );
}

export class SettingsReader {
  private lastReported = '';

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Current settings; problems are logged, and shown as an error once until they change. */
  read(): { settings: LabSettings; problems: SettingProblem[] } {
    const config = vscode.workspace.getConfiguration(SECTION);
    const python = resolvePythonPath(config.inspect<string>('pythonPath'), vscode.workspace.isTrusted);
    if (python.ignoredWorkspaceValue) {
      this.log.warn('Ignoring the workspace value of concurrencyLab.pythonPath: the workspace is not trusted.');
    }
    const result = readLabSettings((key) => config.get(key), python.path);
    const report = result.problems.map(describeProblem).join('\n');
    if (report && report !== this.lastReported) {
      this.log.error(report);
      void vscode.window.showErrorMessage(report, vscode.l10n.t('Open Settings')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
      });
    }
    this.lastReported = report;
    return result;
  }
}
