/**
 * `concurrencyLab.runDemo`: with `{scenario, params?, runtime?, step?}` runs exactly that, else asks
 * which. `step` names the walkthrough step whose link started the run; that step, and only that
 * one, is completed when the run finishes.
 */
import * as vscode from 'vscode';
import { isRecord } from '../../shared/guards';
import { findScenario } from '../../shared/scenarios';
import { stepOfArgs, type LessonProgress } from '../lessonProgress';
import type { RunOutcome } from '../run/runController';
import type { RunSession } from '../run/runSession';
import { pickScenario } from './pickers';

export function registerRunDemo(session: RunSession, progress: LessonProgress): vscode.Disposable {
  return vscode.commands.registerCommand('concurrencyLab.runDemo', async (args?: unknown): Promise<RunOutcome | undefined> => {
    if (isRecord(args) && args.scenario !== undefined) {
      const outcome = await session.run({ scenario: args.scenario, params: args.params, runtime: args.runtime, repeat: args.repeat });
      const step = stepOfArgs(args);
      // A step of another section cannot be done by this scenario: a wrong link ticks nothing.
      const section = typeof args.scenario === 'string' ? findScenario(args.scenario)?.section : undefined;
      if (outcome?.ok && step && step.section === section) await progress.completeStep(step);
      return outcome;
    }
    session.expectRun();
    const scenario = await pickScenario(vscode.l10n.t('Choose a concurrency demo to run'));
    if (!scenario) session.noRunAfterAll();
    return scenario ? session.run({ scenario: scenario.id }) : undefined;
  });
}
