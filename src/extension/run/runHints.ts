/**
 * What to tell the learner when a run fails: a hint saying what to do and the buttons that do it.
 * Pure (the translate function is passed in) so each kind's advice is unit-tested.
 */
import type { RunErrorKind } from '../../shared/hostProtocol';
import type { Translate } from '../../shared/progress';
import type { Runtime } from '../../shared/trace';

export type HintAction = 'open-settings' | 'use-node' | 'show-log' | 'open-program';

export interface RunHint {
  hint?: string;
  actions: HintAction[];
}


/** What ran: a shipped demo, the learner's copy of one (Run My Edited Program), or any file (Trace This Program). */
export type RunSource = 'demo' | 'copy' | 'file';

/** What failed, for the hint and the log line: the scenario id or the program's file name. */
export interface FailedRun {
  label: string;
  runtime: Runtime;
  source: RunSource;
}

export function hintFor(kind: RunErrorKind, runtime: Runtime, t: Translate, source: RunSource = 'demo'): RunHint {
  if (source === 'file') return fileHint(kind, runtime, t);
  const learnerProgram = source === 'copy';
  switch (kind) {
    case 'runtime-missing':
      // A learner's .py program cannot switch to Node: only the interpreter setting helps there.
      return runtime === 'python'
        ? {
            hint: t('Python was not found: set Concurrency Lab › Python Path, or switch the runtime to Node.'),
            actions: learnerProgram ? ['open-settings'] : ['open-settings', 'use-node'],
          }
        : { hint: t('Node could not be started: see the Concurrency Lab log for details.'), actions: ['show-log'] };
    case 'runtime-too-old':
      return runtime === 'python'
        ? {
            hint: t('This Python is too old for the demos: point Concurrency Lab › Python Path at Python 3.8 or newer, or switch the runtime to Node.'),
            actions: learnerProgram ? ['open-settings'] : ['open-settings', 'use-node'],
          }
        : { hint: t('This Node is too old for the demos: update VS Code or Node.'), actions: ['show-log'] };
    case 'timeout':
      return {
        hint: t('The run took longer than Concurrency Lab › Timeout Seconds: raise the timeout, or run with a smaller scale.'),
        actions: ['open-settings'],
      };
    case 'crashed':
      return learnerProgram
        ? { hint: t('Your program stopped with an error: its output is in the Concurrency Lab log.'), actions: ['show-log', 'open-program'] }
        : { hint: t('The demo program stopped with an error: its output is in the Concurrency Lab log.'), actions: ['show-log'] };
    case 'protocol':
      return {
        hint: t('The trace of the run could not be read; details are in the Concurrency Lab log.'),
        actions: ['show-log'],
      };
    case 'bad-params':
      return { hint: t('Check the run parameters: each must be within its range.'), actions: [] };
    case 'cancelled':
      return { actions: [] };
  }
}

/** A traced file cannot switch runtimes, and a failing program is a result (its exit code), not a failure. */
function fileHint(kind: RunErrorKind, runtime: Runtime, t: Translate): RunHint {
  switch (kind) {
    case 'runtime-missing':
    case 'runtime-too-old':
      return runtime === 'python'
        ? { hint: t('Point Concurrency Lab › Python Path at Python 3.8 or newer.'), actions: ['open-settings'] }
        : { hint: t('Node could not be started: see the Concurrency Lab log for details.'), actions: ['show-log'] };
    case 'timeout':
      return { hint: t('The run did not end within Concurrency Lab › Timeout Seconds (plus a margin): raise the timeout if the program needs longer.'), actions: ['open-settings'] };
    case 'crashed':
    case 'protocol':
      return { hint: t('The trace of the run could not be read; details are in the Concurrency Lab log.'), actions: ['show-log'] };
    case 'bad-params':
      return { actions: ['open-program'] };
    case 'cancelled':
      return { actions: [] };
  }
}

/** Button labels, in the order the actions are offered. */
export function actionLabel(action: HintAction, t: Translate): string {
  switch (action) {
    case 'open-settings':
      return t('Open Settings');
    case 'use-node':
      return t('Use Node');
    case 'show-log':
      return t('Show Log');
    case 'open-program':
      return t('Open Program');
  }
}
