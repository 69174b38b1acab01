/**
 * Entry point. `activate` only wires things up: commands, the panel serializer, listeners. Nothing
 * is spawned until a run starts, and everything created is owned by `context.subscriptions`.
 */
import * as vscode from 'vscode';
import { registerOpenLesson } from './commands/openLesson';
import { ProgramCommands } from './commands/programs';
import { registerRunDemo } from './commands/runDemo';
import { TraceProgramCommands } from './commands/traceProgram';
import { LessonProgress } from './lessonProgress';
import { QUIZ_QUESTIONS } from './quiz/questions';
import { QuizCommand } from './quiz/quizCommand';
import { newQuizSeed } from './quiz/shuffle';
import { PythonLocator, engineFindPython, preferPythonExtension } from './run/pythonLocator';
import { onDidChangePythonExtensionInterpreter, pythonExtensionInterpreter, stopFollowingPythonExtension } from './run/pythonExtension';
import { RunController } from './run/runController';
import { RunSession } from './run/runSession';
import { SchedulerCommand } from './scheduler/schedulerCommand';
import { SettingsReader } from './settings';
import type { LabTestApi } from './testApi';

/** Set while active so `deactivate` can wait for the engine hosts to be killed. */
let stopRuns: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): LabTestApi {
  const log = vscode.window.createOutputChannel('Concurrency Lab', { log: true });
  const controller = new RunController(context.asAbsolutePath('dist/engineHost.js'), log, (message, ...args) => vscode.l10n.t(message, ...args));
  const settings = new SettingsReader(log);
  const python = new PythonLocator(preferPythonExtension(engineFindPython, pythonExtensionInterpreter));
  // Walkthrough steps complete on their own context keys (`onContext:` in package.json).
  const progress = new LessonProgress(context.globalState, (key) => vscode.commands.executeCommand('setContext', key, true));
  const session = new RunSession(context, controller, settings, python, progress, log);
  const programs = new ProgramCommands(context, session, progress, log);
  const scheduler = new SchedulerCommand(context, settings, python, progress, log);

  // Last resort if the extension host exits without deactivating: kill the hosts' trees (synchronous on Linux).
  const killOnExit = () => void controller.dispose();
  process.once('exit', killOnExit);
  stopRuns = () => controller.dispose();
  const quizSeed = learnerQuizSeed(context.globalState);

  context.subscriptions.push(
    log,
    session,
    registerRunDemo(session, progress),
    ...programs.register(),
    ...new TraceProgramCommands(context, session, log, progress).register(),
    new QuizCommand(QUIZ_QUESTIONS, progress, quizSeed).register(),
    registerOpenLesson(progress),
    ...scheduler.register(),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('concurrencyLab.pythonPath')) python.reset();
      // The race walkthrough's "change one thing" step is this setting.
      if (e.affectsConfiguration('concurrencyLab.raceLock')) void progress.record('race-conditions', 'changed');
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => python.reset()),
    // The interpreter picked in the Python extension is the one used when the setting is empty.
    onDidChangePythonExtensionInterpreter(() => python.reset()),
    { dispose: stopFollowingPythonExtension },
    { dispose: () => process.removeListener('exit', killOnExit) },
  );
  log.info(`Concurrency Lab activated (VS Code ${vscode.version}, ${vscode.env.language})`);

  return {
    lastTrace: () => (session.lastOutcome?.ok ? session.lastOutcome.trace : undefined),
    lastOutcome: () => session.lastOutcome,
    lastRunSpec: () => session.lastSpec,
    lastTraceSpec: () => session.lastTraceSpec,
    isPanelOpen: () => session.panels.panel !== undefined,
    isPanelReady: () => session.panels.panel?.isReady ?? false,
    openSource: (message) => session.openSource(message),
    settingProblems: () => settings.read().problems,
    progressOf: (section) => progress.of(section),
    completedSteps: () => progress.completedSteps(),
    quizSeed: () => quizSeed,
    scheduler: () => {
      const panel = scheduler.panels.panel;
      return panel && { level: panel.levelId, run: panel.runNumber, status: panel.lastState?.status, threads: panel.lastState?.threads.map((t) => t.name) ?? [] };
    },
  };
}

/** The seed of this learner's quiz order: made once, then kept, so a retry shows the same order. */
function learnerQuizSeed(state: vscode.Memento): string {
  const KEY = 'concurrencyLab.quizSeed';
  const saved = state.get<unknown>(KEY);
  if (typeof saved === 'string' && saved) return saved;
  const seed = newQuizSeed();
  void state.update(KEY, seed);
  return seed;
}

export function deactivate(): Promise<void> | undefined {
  const stop = stopRuns;
  stopRuns = undefined;
  return stop?.();
}
