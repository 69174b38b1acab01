/** `concurrencyLab.runDemo`: with `{scenario, params?, runtime?}` runs exactly that, else asks which. */
import * as vscode from 'vscode';
import type { RunOutcome } from '../run/runController';
import type { RunSession } from '../run/runSession';
import { isRecord, pickScenario } from './pickers';

export function registerRunDemo(session: RunSession): vscode.Disposable {
  return vscode.commands.registerCommand('concurrencyLab.runDemo', async (args?: unknown): Promise<RunOutcome | undefined> => {
    if (isRecord(args) && args.scenario !== undefined) {
      return session.run({ scenario: args.scenario, params: args.params, runtime: args.runtime });
    }
    const scenario = await pickScenario(vscode.l10n.t('Choose a concurrency demo to run'));
    return scenario ? session.run({ scenario: scenario.id }) : undefined;
  });
}
