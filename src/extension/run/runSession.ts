/**
 * Where a run is followed in the editor: RunResolver decides it; this asks before replacing a run
 * in progress, shows progress, and hands the result to the panel, the log and the learner's
 * progress. The panel, the commands and the tests all go through it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatMessage, progressText, type RunProgress } from '../../shared/progress';
import type { OpenSourceMessage, RunRequest, SaveMessage, ToWebview } from '../../shared/protocol';
import { pickRuntime } from '../../shared/runDefaults';
import { translateVariantTitle } from '../../shared/variants';
import type { LessonProgress } from '../lessonProgress';
import { DemoPanelManager, openSourceBeside, type PanelBackend } from '../panel/demoPanel';
import { resolveSource, SessionRuns, shippedProgram, shippedProgramsRoot } from '../panel/openSource';
import { saveExport } from '../panel/saveExport';
import type { SettingsReader } from '../settings';
import { failureHint, showFailure } from './failureNotice';
import { joinArgs } from './programArgs';
import type { PythonLocator } from './pythonLocator';
import { isTraceSpec, RunController, type RunOutcome, type RunSpec, type TraceSpec } from './runController';
import { mayUsePython, resolveRun, resolveTrace, type ProgramToTrace, type ResolvedRun, type RunArgs, type RunContext } from './runResolver';

export type { ProgramToTrace, RunArgs } from './runResolver';

export interface RunOptions {
  /** A learner's edited copy to run instead of the shipped program. */
  programPath?: string;
}

const t = (message: string, ...args: (string | number)[]): string => vscode.l10n.t(message, ...args);

export class RunSession implements PanelBackend, vscode.Disposable {
  readonly panels: DemoPanelManager;
  /** The program and files of each run of this session: what the panel's code links may open (openSource.ts).
   *  The runs themselves are the webview's. */
  private readonly runs = new SessionRuns();
  private runCounter = 0;
  private active: { runId: number; request?: RunRequest; lastProgress?: RunProgress } | undefined;
  private nodeNoticeShown = false;
  /** For the extension-host tests: what the last run asked for and how it ended. */
  lastSpec: RunSpec | undefined;
  lastTraceSpec: TraceSpec | undefined;
  lastOutcome: RunOutcome | undefined;

  constructor(
    private readonly context: Pick<vscode.ExtensionContext, 'extensionUri' | 'extensionPath'>,
    private readonly controller: RunController,
    private readonly settings: SettingsReader,
    private readonly python: PythonLocator,
    private readonly progress: LessonProgress,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.panels = new DemoPanelManager(context.extensionUri, this, log);
  }

  /** Checks and starts a run; resolves when it ends (undefined if it never started). */
  async run(args: RunArgs, options: RunOptions = {}): Promise<RunOutcome | undefined> {
    const context = await this.runContext(mayUsePython(args, this.settings.read().settings));
    const job = resolveRun(args, context, options.programPath);
    if ('error' in job) {
      this.log.error(job.error);
      void vscode.window.showErrorMessage(job.error);
      return undefined;
    }
    if (job.noPython !== undefined) this.noticeNode(job.noPython);
    if (!(await this.makeRoom())) return undefined;
    const { scenario, spec } = job;
    const outcome = await this.follow(job);
    if (outcome.ok) {
      await this.progress.record(scenario.section, 'ran');
      if (job.changed) await this.progress.record(scenario.section, 'changed');
    } else {
      showFailure(outcome, job.failed, this.log, {
        rerunWithNode: () => void this.run({ ...args, runtime: 'node' }, options),
        openProgram: () => void vscode.commands.executeCommand('concurrencyLab.openProgram', { scenario: scenario.id, language: spec.runtime }),
      });
    }
    return outcome;
  }

  /** Traces a program as it is; resolves when it ends (undefined if it never started). */
  async traceProgram(program: ProgramToTrace): Promise<RunOutcome | undefined> {
    const job = resolveTrace(program, await this.runContext(program.runtime === 'python'));
    if (!(await this.makeRoom())) return undefined;
    const outcome = await this.follow(job);
    if (!outcome.ok) {
      showFailure(outcome, job.failed, this.log, {
        rerunWithNode: () => undefined,
        openProgram: () => void vscode.window.showTextDocument(vscode.Uri.file(program.file)),
      });
    }
    return outcome;
  }

  /** The settings now, and the interpreter when the run may use Python (the lookup is cached per setting). */
  private async runContext(wantsPython: boolean): Promise<RunContext> {
    // A run is coming: the host's start-up overlaps the Python lookup (no-op when a spare is ready).
    this.controller.prewarm();
    const { settings } = this.settings.read();
    const python = wantsPython ? await this.python.locate(settings.pythonPath) : undefined;
    return { settings, python, extensionRoot: this.context.extensionPath, t };
  }

  /** A run is likely soon (the learner is choosing one): fork its host and look up the interpreter
   *  while they read, so the run starts on both. */
  expectRun(): void {
    this.controller.prewarm();
    const { settings } = this.settings.read();
    if (settings.runtime !== 'node') void this.python.locate(settings.pythonPath);
  }

  /** The learner chose nothing after all: with no panel open, no host is kept idle (as when it closes). */
  noRunAfterAll(): void {
    if (!this.panels.panel && !this.controller.current) this.controller.releaseSpare();
  }

  /** `auto` found no Python: said once per session, with the way to name one. */
  private noticeNode(why: string): void {
    this.log.info(`runtime auto: no suitable Python (${why}); using Node`);
    if (this.nodeNoticeShown) return;
    this.nodeNoticeShown = true;
    const open = t('Open Settings');
    void vscode.window
      .showInformationMessage(t('No suitable Python was found, so the demos run on Node. Set Concurrency Lab › Python Path to use Python.'), open)
      .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'concurrencyLab.pythonPath'));
  }

  /** One run at a time: a new one replaces the current one only if the learner agrees. */
  private async makeRoom(): Promise<boolean> {
    while (this.controller.current) {
      const current = this.controller.current;
      const replace = vscode.l10n.t('Cancel and Start');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('A demo is already running. Cancel the current run and start this one?'),
        { modal: true },
        replace,
      );
      if (choice !== replace) return false;
      this.controller.cancel();
      await current.done;
    }
    return true;
  }

  private async follow(job: ResolvedRun): Promise<RunOutcome> {
    const { spec, shown } = job;
    this.panels.show();
    const runId = ++this.runCounter;
    // The webview mirrors a scenario request in its controls; a traced program has none, so the
    // panel hears of it as a note (both replayed to a panel that opens during the run).
    this.active = 'request' in shown ? { runId, request: shown.request } : { runId, lastProgress: shown.note };
    if (isTraceSpec(spec)) this.lastTraceSpec = spec;
    else this.lastSpec = spec;
    this.post('request' in shown ? { type: 'run-started', runId, request: shown.request } : { type: 'run-progress', runId, progress: shown.note });
    this.log.info(`run #${runId}: ${job.describe}`);
    let report: ((message: string) => void) | undefined;
    const run = this.controller.start(spec, (p) => {
      const title = (id: string) => job.titles.get(id) ?? id;
      // The log is English, with the command exactly as the engine spawned it.
      this.log.info(`run #${runId}: ${progressText(p, formatMessage, title)}${p.kind === 'variant' ? `: ${joinArgs(p.argv)}` : ''}`);
      // A traced program's own progress adds nothing to "Tracing …" for the learner.
      if (isTraceSpec(spec)) return;
      report?.(progressText(p, t, (id) => translateVariantTitle(title(id), t)));
      if (this.active?.runId === runId) this.active.lastProgress = p;
      this.post({ type: 'run-progress', runId, progress: p });
    });
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: job.title, cancellable: true }, (progress, token) => {
      report = (message) => progress.report({ message });
      const onCancel = token.onCancellationRequested(() => this.controller.cancel());
      return run.done.finally(() => onCancel.dispose());
    });
    this.active = undefined;
    this.lastOutcome = outcome;
    this.ended(runId, job, outcome);
    return outcome;
  }

  /** Keeps the run's program for the code links, logs the result and hands it to the panel. */
  private ended(runId: number, job: ResolvedRun, outcome: RunOutcome): void {
    const { spec } = job;
    const kept = outcome.ok ? outcome.trace : outcome.trace?.variants.length ? outcome.trace : undefined;
    if (kept) this.runs.remember(kept, isTraceSpec(spec) ? path.resolve(spec.file) : spec.programPath ? path.resolve(spec.programPath) : shippedProgram(this.context.extensionPath, spec.scenario, spec.runtime));
    if (outcome.ok) {
      const walls = outcome.trace.variants.map((v) => `${v.id} ${(v.wallUs / 1000).toFixed(1)} ms`).join(', ');
      const env = outcome.trace.env;
      const interpreter = outcome.trace.runtime === 'python' ? `Python ${env.python ?? '?'}` : `Node ${env.node}`;
      const exit = outcome.trace.program ? `, exit code ${outcome.trace.variants[0]?.exitCode ?? 'none'}` : '';
      this.log.info(`run #${runId}: finished in ${outcome.durationMs} ms on ${interpreter}, ${env.cpus} cores: ${walls}${exit}`);
      this.post({ type: 'run-result', runId, trace: outcome.trace });
    } else {
      this.post({
        type: 'run-failed',
        runId,
        error: outcome.message,
        hint: failureHint(outcome, job.failed).hint,
        cancelled: outcome.kind === 'cancelled' || undefined,
        trace: outcome.trace,
      });
    }
  }

  private post(message: ToWebview): void {
    this.panels.panel?.post(message);
  }

  // ---- PanelBackend -------------------------------------------------------------------------

  async initialState() {
    // The panel is open (or restored): the learner is about to run, so have an engine host ready.
    this.controller.prewarm();
    const { settings } = this.settings.read();
    const python = await this.python.locate(settings.pythonPath);
    const defaultRuntime = pickRuntime(settings.runtime, python.ok);
    const replay: ToWebview[] = [];
    if (this.active) {
      if (this.active.request) replay.push({ type: 'run-started', runId: this.active.runId, request: this.active.request });
      if (this.active.lastProgress) replay.push({ type: 'run-progress', runId: this.active.runId, progress: this.active.lastProgress });
    }
    return { init: { defaultRuntime, pythonAvailable: python.ok }, replay };
  }

  runRequest(request: RunRequest): void {
    void this.run({ scenario: request.scenario, runtime: request.runtime, params: request.params, repeat: request.repeat });
  }

  cancel(): void {
    this.controller.cancel();
  }

  save(message: SaveMessage): Promise<void> {
    return saveExport(message, this.log);
  }

  async openSource(message: OpenSourceMessage): Promise<void> {
    const workspaceRoots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const found = resolveSource(message, { runs: this.runs, extensionRoot: this.context.extensionPath, workspaceRoots });
    if (!found.ok) {
      this.log.warn(`panel asked to open ${JSON.stringify(message.file)}:${message.line}; refused: ${found.reason}`);
      return;
    }
    this.log.info(`opening ${found.file}:${found.line} from the panel`);
    await openSourceBeside(found.file, found.line, shippedProgramsRoot(this.context.extensionPath));
  }

  closed(): void {
    if (this.controller.current) this.log.info('panel closed: stopping the run in progress');
    this.controller.stop();
  }

  dispose(): void {
    this.panels.dispose();
    void this.controller.dispose();
  }
}
