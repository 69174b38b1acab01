/**
 * One place where a run is decided and followed: checks the request, merges settings, picks the
 * runtime, asks before replacing a run in progress, shows progress, and hands the result to the
 * panel, the log and the learner's progress. The panel, the commands and the tests all go through it.
 * A traced program (Trace This Program) is followed the same way, with its runtime fixed by its file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isRecord } from '../../shared/guards';
import { isRepeat, MAX_REPEAT, type OpenSourceMessage, type RunRequest, type SaveMessage, type ToWebview } from '../../shared/protocol';
import { findScenario, SCENARIO_IDS, validateParams, type ScenarioInfo } from '../../shared/scenarios';
import type { Runtime, Trace } from '../../shared/trace';
import type { LessonProgress } from '../lessonProgress';
import { DemoPanelManager, openSourceBeside, type PanelBackend } from '../panel/demoPanel';
import { resolveSource, shippedProgram, shippedProgramsRoot } from '../panel/openSource';
import { saveExport, type ChromeTraceConverter } from '../panel/saveExport';
import { scenarioTitle } from '../sections';
import type { SettingsReader } from '../settings';
import { paramsWithSettings, type LabSettings } from '../settingsModel';
import { scenarioCommandLine, traceCommandLine } from './commandLine';
import { failureHint, showFailure, type FailedRun } from './failureNotice';
import { localizeProgress } from './progressText';
import type { PythonLocator } from './pythonLocator';
import { isTraceSpec, RunController, type RunOutcome, type RunSpec, type TraceSpec } from './runController';

/** Arguments of `concurrencyLab.runDemo` (and the panel's run button), unchecked. */
export interface RunArgs {
  scenario?: unknown;
  params?: unknown;
  runtime?: unknown;
  /** 1 to MAX_REPEAT: run the variants that many times and show medians. */
  repeat?: unknown;
}

export interface RunOptions {
  /** A learner's edited copy to run instead of the shipped program. */
  programPath?: string;
}

/**
 * Runs kept for the panel: enough to compare, small enough to post. The same rule as the webview's
 * own list (finished runs, plus the partial trace of a failed one; at most 20), so a `save` message's
 * `runIndex` means the same run on both sides.
 */
export const KEPT_RUNS = 20;

/** A program to trace as the command decided it: the file, its words, its folder, its runtime. */
/** `timeoutMs` overrides the setting (a walkthrough link that shows a deadlock needs seconds, not a minute). */
export type ProgramToTrace = Pick<TraceSpec, 'file' | 'args' | 'cwd' | 'runtime'> & { timeoutMs?: number };

/** A run about to start, with what the notification, the log and a failure notice say about it. */
interface Job {
  spec: RunSpec | TraceSpec;
  /** The scenario request the webview mirrors in its controls; none for a traced program. */
  request?: RunRequest;
  title: string;
  describe: string;
  commandLine: string;
  failed: FailedRun;
}

export class RunSession implements PanelBackend, vscode.Disposable {
  readonly panels: DemoPanelManager;
  readonly history: Trace[] = [];
  /** The program each run of this session ran: what the panel's code links may open (openSource.ts). */
  private readonly programs = new WeakMap<Trace, string>();
  private runCounter = 0;
  private active: { runId: number; request?: RunRequest; lastProgress?: string } | undefined;
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
    private readonly toChromeTrace?: ChromeTraceConverter,
  ) {
    this.panels = new DemoPanelManager(context.extensionUri, this, log);
  }

  /** Checks and starts a run; resolves when it ends (undefined if it never started). */
  async run(args: RunArgs, options: RunOptions = {}): Promise<RunOutcome | undefined> {
    const checked = this.check(args);
    if (!checked.ok) {
      this.log.error(checked.error);
      void vscode.window.showErrorMessage(checked.error);
      return undefined;
    }
    const { scenario } = checked;
    const { settings } = this.settings.read();
    const params = paramsWithSettings(checked.params, scenario.params, settings);
    const validated = validateParams(scenario, params);
    if (!validated.ok) {
      const message = vscode.l10n.t('The parameters for "{0}" are not valid: {1}', scenarioTitle(scenario), validated.errors.join('; '));
      this.log.error(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
    const runtime = await this.chooseRuntime(checked.runtime, settings);
    const python = runtime === 'python' ? await this.python.locate(settings.pythonPath) : undefined;
    if (!(await this.makeRoom())) return undefined;
    // From here to controller.start nothing awaits, so two requests cannot both find the room free.

    const request: RunRequest = { scenario: scenario.id, runtime, params: { ...validated.params }, ...(checked.repeat > 1 ? { repeat: checked.repeat } : {}) };
    const spec: RunSpec = {
      scenario: scenario.id,
      runtime,
      params: request.params,
      // The interpreter already found and checked, by its real path: a version-manager shim on PATH
      // costs 150–700 ms per start, and the host would check it again.
      pythonPath: python?.ok ? python.python.executable : settings.pythonPath,
      programPath: options.programPath,
      timeoutMs: settings.timeoutSeconds * 1000,
      repeat: request.repeat,
      // The host finds the shipped programs and tracer from here, wherever the bundle runs from.
      extensionRoot: this.context.extensionPath,
    };
    const failed: FailedRun = { label: scenario.id, runtime, source: options.programPath ? 'copy' : 'demo' };
    const outcome = await this.follow({
      spec,
      request,
      title: vscode.l10n.t('Running "{0}" on {1}', scenarioTitle(scenario), runtime === 'python' ? 'Python' : 'Node'),
      describe:
        `${scenario.id} on ${runtime}, params ${JSON.stringify(spec.params)}, timeout ${spec.timeoutMs} ms` +
        (python && !python.ok ? `, interpreter not found: ${python.error}` : ''),
      commandLine: scenarioCommandLine(this.context.extensionPath, spec, python?.ok ? python.python.executable : spec.pythonPath),
      failed,
    });
    if (outcome.ok) {
      await this.progress.record(scenario.section, 'ran');
      // Any run off the defaults (a parameter, a setting, an edited program) is the step's experiment.
      const changed = JSON.stringify(validated.params) !== JSON.stringify(scenario.defaults) || options.programPath !== undefined;
      if (changed) await this.progress.record(scenario.section, 'changed');
    }
    if (!outcome.ok) {
      showFailure(outcome, failed, this.log, {
        rerunWithNode: () => void this.run({ ...args, runtime: 'node' }, options),
        openProgram: () => void vscode.commands.executeCommand('concurrencyLab.openProgram', { scenario: scenario.id, language: runtime }),
      });
    }
    return outcome;
  }

  /** Traces a program as it is; resolves when it ends (undefined if it never started). */
  async traceProgram(program: ProgramToTrace): Promise<RunOutcome | undefined> {
    const { settings } = this.settings.read();
    const python = program.runtime === 'python' ? await this.python.locate(settings.pythonPath) : undefined;
    if (!(await this.makeRoom())) return undefined;
    const spec: TraceSpec = {
      ...program,
      args: [...program.args],
      // As for the demos: the interpreter already checked, by its real path (see run()).
      pythonPath: python?.ok ? python.python.executable : settings.pythonPath,
      timeoutMs: program.timeoutMs ?? settings.timeoutSeconds * 1000,
      extensionRoot: this.context.extensionPath,
    };
    const name = path.basename(program.file);
    const failed: FailedRun = { label: name, runtime: program.runtime, source: 'file' };
    const outcome = await this.follow({
      spec,
      title: vscode.l10n.t('Tracing {0} on {1}', name, program.runtime === 'python' ? 'Python' : 'Node'),
      describe: `trace ${program.file} on ${program.runtime}, timeout ${spec.timeoutMs} ms` + (python && !python.ok ? `, interpreter not found: ${python.error}` : ''),
      commandLine: traceCommandLine(spec, python?.ok ? python.python.executable : spec.pythonPath),
      failed,
    });
    if (!outcome.ok) {
      showFailure(outcome, failed, this.log, {
        rerunWithNode: () => undefined,
        openProgram: () => void vscode.window.showTextDocument(vscode.Uri.file(program.file)),
      });
    }
    return outcome;
  }

  private check(
    args: RunArgs,
  ): { ok: true; scenario: ScenarioInfo; params: Record<string, unknown> | undefined; runtime: Runtime | undefined; repeat: number } | { ok: false; error: string } {
    const scenario = typeof args.scenario === 'string' ? findScenario(args.scenario) : undefined;
    if (!scenario) {
      return { ok: false, error: vscode.l10n.t('Unknown scenario {0}. Known scenarios: {1}.', JSON.stringify(args.scenario) ?? 'undefined', SCENARIO_IDS.join(', ')) };
    }
    if (args.params !== undefined && !isRecord(args.params)) {
      return { ok: false, error: vscode.l10n.t('The run parameters must be an object such as {"threads": 4}.') };
    }
    if (args.runtime !== undefined && args.runtime !== 'python' && args.runtime !== 'node') {
      return { ok: false, error: vscode.l10n.t('Unknown runtime {0}: use "python" or "node".', JSON.stringify(args.runtime) ?? '') };
    }
    if (args.repeat !== undefined && !isRepeat(args.repeat)) {
      return { ok: false, error: vscode.l10n.t('Repeat must be a whole number from 1 to {0}.', MAX_REPEAT) };
    }
    return { ok: true, scenario, params: args.params, runtime: args.runtime, repeat: args.repeat ?? 1 };
  }

  /** The runtime asked for, else the setting; `auto` means Python when one is found, else Node. */
  private async chooseRuntime(explicit: Runtime | undefined, settings: LabSettings): Promise<Runtime> {
    if (explicit) return explicit;
    if (settings.runtime !== 'auto') return settings.runtime;
    const python = await this.python.locate(settings.pythonPath);
    if (python.ok) return 'python';
    this.log.info(`runtime auto: no suitable Python (${python.error}); using Node`);
    if (!this.nodeNoticeShown) {
      this.nodeNoticeShown = true;
      const open = vscode.l10n.t('Open Settings');
      void vscode.window
        .showInformationMessage(vscode.l10n.t('No suitable Python was found, so the demos run on Node. Set Concurrency Lab › Python Path to use Python.'), open)
        .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'concurrencyLab.pythonPath'));
    }
    return 'node';
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

  private async follow(job: Job): Promise<RunOutcome> {
    const { spec, request } = job;
    this.panels.show();
    const runId = ++this.runCounter;
    // The webview mirrors a scenario request in its controls; a traced program has none, so the
    // panel hears of it as progress (also replayed to a panel that opens during the run).
    this.active = { runId, request, lastProgress: request ? undefined : job.title };
    if (isTraceSpec(spec)) this.lastTraceSpec = spec;
    else this.lastSpec = spec;
    this.post(request ? { type: 'run-started', runId, request } : { type: 'run-progress', runId, message: job.title });
    this.log.info(`run #${runId}: ${job.describe}`);
    this.log.info(`run #${runId}: command ${job.commandLine}`);
    let report: ((message: string) => void) | undefined;
    const run = this.controller.start(spec, (raw) => {
      const message = localizeProgress(raw);
      report?.(message);
      this.log.info(`run #${runId}: ${raw}`);
      if (this.active?.runId === runId) this.active.lastProgress = message;
      this.post({ type: 'run-progress', runId, message });
    });
    const outcome = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: job.title,
        cancellable: true,
      },
      (progress, token) => {
        report = (message) => progress.report({ message });
        const onCancel = token.onCancellationRequested(() => this.controller.cancel());
        return run.done.finally(() => onCancel.dispose());
      },
    );
    this.active = undefined;
    this.lastOutcome = outcome;
    const kept = outcome.ok ? outcome.trace : outcome.trace?.variants.length ? outcome.trace : undefined;
    if (kept) {
      this.programs.set(kept, isTraceSpec(spec) ? path.resolve(spec.file) : spec.programPath ? path.resolve(spec.programPath) : shippedProgram(this.context.extensionPath, spec.scenario, spec.runtime));
      this.history.push(kept);
      this.history.splice(0, Math.max(0, this.history.length - KEPT_RUNS));
    }
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
    return outcome;
  }

  private post(message: ToWebview): void {
    this.panels.panel?.post(message);
  }

  // ---- PanelBackend -------------------------------------------------------------------------

  async initialState() {
    const { settings } = this.settings.read();
    const python = await this.python.locate(settings.pythonPath);
    const defaultRuntime: Runtime = settings.runtime === 'auto' ? (python.ok ? 'python' : 'node') : settings.runtime;
    const replay: ToWebview[] = [];
    if (this.active) {
      if (this.active.request) replay.push({ type: 'run-started', runId: this.active.runId, request: this.active.request });
      if (this.active.lastProgress) replay.push({ type: 'run-progress', runId: this.active.runId, message: this.active.lastProgress });
    }
    return { init: { defaultRuntime, pythonAvailable: python.ok, runs: [...this.history] }, replay };
  }

  runRequest(request: RunRequest): void {
    void this.run({ scenario: request.scenario, runtime: request.runtime, params: request.params, repeat: request.repeat });
  }

  cancel(): void {
    this.controller.cancel();
  }

  save(message: SaveMessage): Promise<void> {
    return saveExport(message, this.history, this.toChromeTrace, this.log);
  }

  async openSource(message: OpenSourceMessage): Promise<void> {
    const workspaceRoots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const found = resolveSource(message, { history: this.history, programs: this.programs, extensionRoot: this.context.extensionPath, workspaceRoots });
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

  restoreRuns(runs: Trace[]): void {
    if (this.history.length === 0) this.history.push(...runs.slice(-KEPT_RUNS));
  }

  dispose(): void {
    this.panels.dispose();
    void this.controller.dispose();
  }
}
