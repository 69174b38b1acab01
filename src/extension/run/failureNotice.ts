/** Tells the learner a run failed, what to do about it, and offers the buttons that do it. */
import * as vscode from 'vscode';
import type { RunOutcome } from './runController';
import { actionLabel, hintFor, type FailedRun, type HintAction, type RunHint } from './runHints';

type Failure = Extract<RunOutcome, { ok: false }>;

export interface FailureActions {
  rerunWithNode(): void;
  openProgram(): void;
}

const translate = (message: string, ...args: (string | number)[]) => vscode.l10n.t(message, ...args);

export function failureHint(outcome: Failure, run: FailedRun): RunHint {
  return hintFor(outcome.kind, run.runtime, translate, run.source);
}

/** Logs the failure with the program's output, then shows it (a cancel is only logged). */
export function showFailure(outcome: Failure, run: FailedRun, log: vscode.LogOutputChannel, actions: FailureActions): void {
  const summary = `${run.label} on ${run.runtime} failed (${outcome.kind}) after ${outcome.durationMs} ms: ${outcome.message}`;
  if (outcome.kind === 'cancelled') {
    log.info(summary);
    return;
  }
  log.error(summary + (outcome.output ? `\n--- program output ---\n${outcome.output.trimEnd()}\n--- end of output ---` : ''));
  const { hint, actions: offered } = failureHint(outcome, run);
  const labels = new Map<string, HintAction>(offered.map((a) => [actionLabel(a, translate), a]));
  const text = hint ? `${outcome.message} ${hint}` : outcome.message;
  void vscode.window.showErrorMessage(text, ...labels.keys()).then(async (choice) => {
    switch (choice === undefined ? undefined : labels.get(choice)) {
      case 'open-settings':
        await vscode.commands.executeCommand(
          'workbench.action.openSettings',
          outcome.kind === 'timeout' ? 'concurrencyLab.timeoutSeconds' : 'concurrencyLab.pythonPath',
        );
        break;
      case 'use-node':
        await vscode.workspace.getConfiguration('concurrencyLab').update('runtime', 'node', vscode.ConfigurationTarget.Global);
        actions.rerunWithNode();
        break;
      case 'show-log':
        log.show(true);
        break;
      case 'open-program':
        actions.openProgram();
        break;
    }
  });
}
